// The contract's OverflowRule → the engine's (max wait and closed-queue rules share it).
import { OverflowAction, type OverflowRule as ProtoOverflowRule } from '@parley/protos/parley/common/v1/queue';
import type { MaxWaitAction, OverflowRule } from '../domain/model.js';

const actions: Partial<Record<OverflowAction, MaxWaitAction>> = {
  [OverflowAction.OVERFLOW_ACTION_VOICEMAIL]: 'voicemail',
  [OverflowAction.OVERFLOW_ACTION_CALLBACK]: 'callback',
  [OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE]: 'transfer',
  [OverflowAction.OVERFLOW_ACTION_DISCONNECT]: 'disconnect',
};

/** Undefined for OVERFLOW_ACTION_UNSPECIFIED: "keep waiting". */
export function toOverflowRule(rule: ProtoOverflowRule | undefined): OverflowRule | undefined {
  const action = actions[rule?.action ?? OverflowAction.OVERFLOW_ACTION_UNSPECIFIED];
  if (!action) return undefined;
  return action === 'transfer' ? { action, targetQueueId: rule?.targetQueueId ?? '' } : { action };
}
