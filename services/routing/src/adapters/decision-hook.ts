// Asks queues' decision hooks (parley/routing/v1/decision_hook.proto) over NATS request/reply, within each queue's
// deadline, and hands every answer back as a HookDecision for the owner to apply as a logged operation. Anything but a
// usable reply becomes an empty order with a reason, and the engine lets the built-in strategy decide.
import { NoRespondersError, RequestError, TimeoutError, type Msg } from '@nats-io/transport-node';
import type { Logger, NatsConnection } from '@parley/kit';
import { DecisionHookReply, DecisionHookRequest } from '@parley/protos/parley/routing/v1/decision_hook';
import {
  MAX_DECISION_HOOK_TIMEOUT_MS,
  MIN_DECISION_HOOK_TIMEOUT_MS,
  type DecisionRequest,
  type HookDecision,
  type HookFailure,
} from '../domain/decisions.js';
import { protoChannel } from '../rpc/mappers.js';

/** More names than this in a reply are dropped: the log keeps the answer, and a hook has at most 8 candidates. */
const MAX_REPLY_AGENT_IDS = 64;

export interface HookAnswer {
  /** The hook's order; empty when it failed. */
  agentIds: string[];
  failure: HookFailure | undefined;
  ms: number;
}

export function encodeHookRequest(request: DecisionRequest): Uint8Array {
  return DecisionHookRequest.encode({
    interactionId: request.interactionId,
    queueId: request.queueId,
    channel: protoChannel(request.channel),
    priority: request.priority,
    attributes: request.attributes,
    waitedMs: request.waitedMs,
    candidates: request.candidates.map((candidate) => ({
      agentId: candidate.agentId,
      siteId: candidate.siteId,
      teamIds: candidate.teamIds,
      skills: candidate.skills.map(([name, level]) => ({ name, level })),
      idleMs: candidate.idleMs,
      occupancy: candidate.occupancy,
    })),
    timeoutMs: deadlineOf(request),
  }).finish();
}

/** Asks the request's hook; never rejects. */
export async function askDecisionHook(nc: NatsConnection, request: DecisionRequest): Promise<HookAnswer> {
  const started = Date.now();
  const answer = (agentIds: string[], failure?: HookFailure): HookAnswer => ({
    agentIds,
    failure,
    ms: Date.now() - started,
  });
  let reply: Msg;
  try {
    reply = await nc.request(request.hook.subject, encodeHookRequest(request), { timeout: deadlineOf(request) });
  } catch (error) {
    return answer([], requestFailure(error));
  }
  if (isErrorReply(reply)) return answer([], 'error_reply');
  try {
    return answer(DecisionHookReply.decode(reply.data).agentIds.slice(0, MAX_REPLY_AGENT_IDS));
  } catch {
    return answer([], 'malformed_reply');
  }
}

function deadlineOf(request: DecisionRequest): number {
  return Math.min(MAX_DECISION_HOOK_TIMEOUT_MS, Math.max(MIN_DECISION_HOOK_TIMEOUT_MS, request.hook.timeoutMs));
}

function requestFailure(error: unknown): HookFailure {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof TimeoutError) return 'timeout';
    if (cause instanceof NoRespondersError || (cause instanceof RequestError && cause.isNoResponders()))
      return 'no_responders';
  }
  return 'unreachable';
}

/** The NATS services convention (`Nats-Service-Error-Code`) or a Parley RPC status other than OK. */
function isErrorReply(reply: Msg): boolean {
  const headers = reply.headers;
  if (!headers) return false;
  if (headers.has('Nats-Service-Error-Code')) return true;
  const status = headers.get('Parley-Status');
  return status !== '' && status !== '0';
}

/**
 * Asks the hook of every drained decision request at once and submits each answer (a logged `__decide`). An answer
 * the owner cannot apply any more (it stepped down) is dropped: the engine's decision deadline covers it. Outcomes
 * are counted where they last: each decision is a `routing.decided` event, with the fallback reason.
 */
export class DecisionHookDispatcher {
  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly submit: (decision: HookDecision) => Promise<unknown>,
  ) {}

  dispatch(requests: readonly DecisionRequest[]): void {
    for (const request of requests) void this.handle(request);
  }

  private async handle(request: DecisionRequest): Promise<void> {
    const answer = await askDecisionHook(this.nc, request);
    const context = {
      interactionId: request.interactionId,
      queueId: request.queueId,
      hook: request.hook.subject,
      ms: answer.ms,
    };
    if (answer.failure) this.logger.warn({ ...context, reason: answer.failure }, 'decision hook failed; fallback');
    try {
      const result = await this.submit({
        interactionId: request.interactionId,
        round: request.round,
        agentIds: answer.agentIds,
        failure: answer.failure,
      });
      this.logger.debug({ ...context, result }, 'decision applied');
    } catch (error) {
      this.logger.warn({ ...context, err: error }, 'decision not applied');
    }
  }
}
