// Projected segment rows → the contract's Segment. How a leg ended is known for transfers (a queue or agent leg
// followed by another) and for the last leg of a finished interaction; an IVR leg that led into a queue has no
// contract state for that, and stays unspecified.
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { Segment, SegmentKind } from '@parley/protos/parley/history/v1/history';
import type { SegmentQueryRow } from '../adapters/database/segment-query.js';

const kinds: Record<string, SegmentKind> = {
  ivr: SegmentKind.SEGMENT_KIND_IVR,
  queue: SegmentKind.SEGMENT_KIND_QUEUE,
  agent: SegmentKind.SEGMENT_KIND_AGENT,
  external: SegmentKind.SEGMENT_KIND_EXTERNAL,
};
const terminal: Record<string, InteractionState> = {
  completed: InteractionState.INTERACTION_STATE_COMPLETED,
  abandoned: InteractionState.INTERACTION_STATE_ABANDONED,
  failed: InteractionState.INTERACTION_STATE_FAILED,
};

/** `rows` in leg order; `interactionState` is the interaction's projected state. */
export function toSegments(rows: readonly SegmentQueryRow[], interactionState: string): Segment[] {
  return rows.map((row, i) => {
    const last = i === rows.length - 1;
    const endState = last
      ? (terminal[interactionState] ?? InteractionState.INTERACTION_STATE_UNSPECIFIED)
      : row.kind === 'ivr'
        ? InteractionState.INTERACTION_STATE_UNSPECIFIED
        : InteractionState.INTERACTION_STATE_TRANSFERRED;
    return Segment.fromPartial({
      id: row.id,
      kind: kinds[row.kind] ?? SegmentKind.SEGMENT_KIND_UNSPECIFIED,
      previousSegmentId: row.previous_segment_id ?? '',
      queueId: row.queue_id ?? '',
      agentId: row.agent_id ?? '',
      endState,
      startedAt: row.started_at,
      ...(row.ended_at ? { endedAt: row.ended_at } : {}),
    });
  });
}
