// The audit log's view of an HTTP request: the authenticated caller and where the call came from.
import type { FastifyRequest } from 'fastify';
import type { AuditCaller } from '../audit/audit-log.js';

export function auditCaller(request: FastifyRequest): AuditCaller {
  const userAgent = request.headers['user-agent'];
  return { principal: request.principal, address: request.ip, userAgent: userAgent?.slice(0, 200) };
}
