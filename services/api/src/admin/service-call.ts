// Calling a service from an admin route: a refusal becomes the problem document to answer, with the service's
// reason; a failure that is our fault is logged and answered as a plain 500. State-changing calls are recorded in
// the audit log after the call, refusals included ("failed" with the reason).
import type { FastifyRequest } from 'fastify';
import type { Problem } from '../http/problem.js';
import { auditCaller } from '../http/audit-request.js';
import type { AdminDeps } from './admin-deps.js';
import { rpcProblem, type FieldPlaces } from '../http/rpc-problem.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export async function attempt<T>(
  deps: Pick<AdminDeps, 'logger'>,
  call: () => Promise<T>,
  places: FieldPlaces = {},
): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const problem = rpcProblem(error, places);
    if (problem.status === 500) deps.logger?.error({ err: error }, 'admin call failed');
    return { ok: false, problem };
  }
}

export interface AuditedChange<T> {
  /** "<object>.<verb>", e.g. "queue.upsert". */
  action: string;
  /** "<object>/<id>", e.g. "queue/support". */
  target: string;
  /** The site the target belongs to, when the request says; the caller's otherwise. */
  site?: string | undefined;
  call: () => Promise<T>;
  places?: FieldPlaces;
  /** What changed, for the record (e.g. "revision 3"). */
  describe?: (value: T) => string;
}

/** The call, then its record. A record that cannot be stored fails the request (the audit log's rule). */
export async function audited<T>(
  deps: Pick<AdminDeps, 'audit' | 'logger'>,
  request: FastifyRequest,
  change: AuditedChange<T>,
): Promise<Outcome<T>> {
  const outcome = await attempt(deps, change.call, change.places);
  const detail = outcome.ok ? change.describe?.(outcome.value) : outcome.problem.detail;
  await deps.audit.record(auditCaller(request), {
    action: change.action,
    target: change.target,
    outcome: outcome.ok ? 'ok' : 'failed',
    ...(change.site ? { site: change.site } : {}),
    ...(detail ? { detail } : {}),
  });
  return outcome;
}
