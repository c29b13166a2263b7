// A decision hook's answer as the operation log stores it (parley.routing.v1.HookDecision), so that a standby
// replaying the log hands the engine the very same answer.
import {
  DecisionHookFailure,
  HookDecision as HookDecisionMessage,
} from '@parley/protos/parley/routing/v1/decision_hook';
import type { HookDecision, HookFailure } from '../domain/decisions.js';

const toProto: Record<HookFailure, DecisionHookFailure> = {
  timeout: DecisionHookFailure.DECISION_HOOK_FAILURE_TIMEOUT,
  no_responders: DecisionHookFailure.DECISION_HOOK_FAILURE_NO_RESPONDERS,
  error_reply: DecisionHookFailure.DECISION_HOOK_FAILURE_ERROR_REPLY,
  malformed_reply: DecisionHookFailure.DECISION_HOOK_FAILURE_MALFORMED_REPLY,
  unreachable: DecisionHookFailure.DECISION_HOOK_FAILURE_UNREACHABLE,
};

const fromProto = new Map<DecisionHookFailure, HookFailure>(
  Object.entries(toProto).map(([failure, proto]) => [proto, failure as HookFailure]),
);

export function encodeDecision(decision: HookDecision): Uint8Array {
  return HookDecisionMessage.encode({
    interactionId: decision.interactionId,
    round: decision.round,
    agentIds: decision.agentIds,
    failure: decision.failure ? toProto[decision.failure] : DecisionHookFailure.DECISION_HOOK_FAILURE_UNSPECIFIED,
  }).finish();
}

export function decodeDecision(bytes: Uint8Array): HookDecision {
  const message = HookDecisionMessage.decode(bytes);
  return {
    interactionId: message.interactionId,
    round: message.round,
    agentIds: message.agentIds,
    failure: fromProto.get(message.failure),
  };
}
