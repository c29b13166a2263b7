// A projected interaction row → the contract's InteractionSummary.
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { AbandonPoint, InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { InteractionSummary } from '@parley/protos/parley/history/v1/history';
import type { TimelineRow } from '../adapters/database/timeline-query.js';

const channels: Record<string, Channel> = {
  voice: Channel.CHANNEL_VOICE,
  chat: Channel.CHANNEL_CHAT,
  email: Channel.CHANNEL_EMAIL,
  callback: Channel.CHANNEL_CALLBACK,
};
const states: Record<string, InteractionState> = {
  created: InteractionState.INTERACTION_STATE_CREATED,
  ivr: InteractionState.INTERACTION_STATE_IVR,
  queued: InteractionState.INTERACTION_STATE_QUEUED,
  offered: InteractionState.INTERACTION_STATE_OFFERED,
  connected: InteractionState.INTERACTION_STATE_CONNECTED,
  wrap_up: InteractionState.INTERACTION_STATE_WRAP_UP,
  completed: InteractionState.INTERACTION_STATE_COMPLETED,
  abandoned: InteractionState.INTERACTION_STATE_ABANDONED,
  failed: InteractionState.INTERACTION_STATE_FAILED,
};
const abandonPoints: Record<string, AbandonPoint> = {
  ivr: AbandonPoint.ABANDON_POINT_IVR,
  queue: AbandonPoint.ABANDON_POINT_QUEUE,
  offer: AbandonPoint.ABANDON_POINT_OFFERED,
};

export function toSummary(row: TimelineRow): InteractionSummary {
  const agents = [row.first_agent_id, row.last_agent_id].filter(
    (id, i, all): id is string => !!id && all.indexOf(id) === i,
  );
  const handle = (row.talk_ms ?? 0) + (row.wrap_up_ms ?? 0);
  return InteractionSummary.fromPartial({
    interaction: {
      id: row.id,
      channel: channels[row.channel] ?? Channel.CHANNEL_UNSPECIFIED,
      direction: row.direction === 'outbound' ? Direction.DIRECTION_OUTBOUND : Direction.DIRECTION_INBOUND,
      siteId: row.site_id,
      customer: { customerId: row.customer_id ?? '' },
      queueId: row.queue_id ?? '',
      state: states[row.state] ?? InteractionState.INTERACTION_STATE_UNSPECIFIED,
      agentId: row.last_agent_id ?? '',
      timestamps: {
        createdAt: row.created_at,
        queuedAt: row.queued_at ?? undefined,
        offeredAt: row.offered_at ?? undefined,
        connectedAt: row.answered_at ?? undefined,
        endedAt: row.ended_at ?? undefined,
      },
    },
    durations: {
      waitMs: row.wait_ms ?? 0,
      talkMs: row.talk_ms ?? 0,
      holdMs: row.hold_ms,
      wrapUpMs: row.wrap_up_ms ?? 0,
      handleMs: handle,
    },
    agentIds: agents,
    wrapUpCodeId: row.disposition ?? '',
    abandonPoint: row.abandon_point
      ? (abandonPoints[row.abandon_point] ?? AbandonPoint.ABANDON_POINT_UNSPECIFIED)
      : AbandonPoint.ABANDON_POINT_UNSPECIFIED,
  });
}
