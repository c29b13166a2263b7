// The audit log read back for the supervisor console's action list (GET /api/v1/supervisor/audit): who did what to
// what, how it ended and when, newest first. A supervisor reads their own site's records; an admin every site's, and
// only admins see where a call came from (addresses are personal data the console does not need).
import type { AuditLog, AuditRecord } from '../audit/audit-log.js';
import { isAdmin } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { problemSchema } from '../admin/schema-parts.js';

export interface AuditQuerystring {
  since: string;
  limit: number;
  target?: string;
}

const text = { type: 'string' } as const;

const recordSchema = {
  type: 'object',
  properties: {
    id: { ...text, description: 'ULID.' },
    at: { ...text, format: 'date-time', description: 'When the call was made.' },
    action: { ...text, description: '`<object>.<verb>`, e.g. `agent.force_state`, `call.monitor`.' },
    target: { ...text, description: '`<object>/<id>`, e.g. `agent/anna`, `interaction/01J…`.' },
    outcome: { type: 'string', enum: ['ok', 'denied', 'failed'] },
    detail: { ...text, description: 'Why it failed, or what changed when that is short.' },
    site: text,
    actor: {
      type: 'object',
      description: 'A signed-in user (subject, username, roles, site) or a chat visitor (visitorId).',
      properties: {
        subject: text,
        username: text,
        roles: { type: 'array', items: text },
        site: { type: ['string', 'null'] },
        visitorId: text,
      },
    },
    from: {
      type: 'object',
      description: 'Admins only: where the call came from.',
      properties: { address: text, userAgent: { type: ['string', 'null'] } },
      required: ['address', 'userAgent'],
    },
  },
  required: ['id', 'at', 'action', 'target', 'outcome', 'site', 'actor'],
} as const;

export const auditRouteSchema = {
  tags: ['supervisor'],
  summary: 'The audit log, newest first: your site’s records (admins: every site’s)',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['since'],
    properties: {
      since: { type: 'string', format: 'date-time', description: 'Records stored at or after this time.' },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, description: 'At most this many, newest.' },
      target: {
        type: 'string',
        maxLength: 200,
        pattern: '^[a-z][a-z_-]*/\\S+$',
        description: 'Only records on this target, e.g. `agent/anna` or `interaction/<id>`.',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        records: { type: 'array', items: recordSchema },
        complete: {
          type: 'boolean',
          description:
            'Whether every record since `since` is listed; false when the limit (or the read budget: 5,000 stored ' +
            'records looked at) ended the list: ask again with a later `since` or a `target`.',
        },
      },
      required: ['records', 'complete'],
    },
    ...Object.fromEntries(
      (
        [
          [400, 'The query is not valid; `fields` names each bad field.'],
          [401, 'No bearer token, or one that does not verify.'],
          [403, 'Not a supervisor of this API’s site, nor an admin.'],
          [503, 'The audit log cannot be read now; retry shortly (Retry-After).'],
        ] as const
      ).map(([status, description]) => [status, { ...problemSchema, description }]),
    ),
  },
} as const;

export async function readSiteAudit(audit: AuditLog, caller: Principal, site: string, query: AuditQuerystring) {
  const admin = isAdmin(caller);
  const page = await audit.read({
    since: new Date(query.since),
    limit: query.limit,
    ...(admin ? {} : { site }),
    ...(query.target === undefined ? {} : { target: query.target }),
  });
  return { records: page.records.map((record) => (admin ? record : withoutAddress(record))), complete: page.complete };
}

function withoutAddress(record: AuditRecord): Omit<AuditRecord, 'from'> {
  const { from: _from, ...rest } = record;
  return rest;
}
