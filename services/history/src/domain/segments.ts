// An interaction's legs, derived from the whole set of its segment marks: the same set gives the same segments
// whatever order the events arrived in, because the marks are first put in time order (ties by event id).
import type { SegmentKind, SegmentMark } from './segment-marks.js';

export interface SegmentRow {
  /** The id of the event that opened the segment: stable across re-derivations. */
  id: string;
  interactionId: string;
  kind: SegmentKind;
  queueId: string | undefined;
  agentId: string | undefined;
  startedAt: number;
  /** The next segment's start, or the end of the conversation; undefined while live. */
  endedAt: number | undefined;
  previousSegmentId: string | undefined;
  initialSegmentId: string;
}

interface Leg {
  id: string;
  kind: SegmentKind;
  queueId: string | undefined;
  agentId: string | undefined;
  startedAt: number;
  openedBy: string;
}

const inTimeOrder = (a: SegmentMark, b: SegmentMark) =>
  a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

function legsOf(marks: readonly SegmentMark[]): Leg[] {
  const legs: Leg[] = [];
  for (const mark of [...marks].sort(inTimeOrder)) {
    const current = legs.at(-1);
    if (mark.mark === 'open' && mark.segmentKind) {
      // Routing emits `queued` when a transferred interaction enters the target queue: the transfer opened that leg.
      const absorbed =
        mark.type === 'interaction.queued' &&
        current?.openedBy === 'interaction.transferred' &&
        current.kind === 'queue' &&
        current.queueId === mark.queueId &&
        current.agentId === undefined;
      if (!absorbed)
        legs.push({
          id: mark.eventId,
          kind: mark.segmentKind,
          queueId: mark.queueId,
          agentId: mark.agentId,
          startedAt: mark.at,
          openedBy: mark.type,
        });
      continue;
    }
    if (mark.mark !== 'connect') continue;
    // A queue wait and the agent leg that followed are one segment (contract: SEGMENT_KIND_QUEUE).
    if (current?.kind === 'queue' && current.agentId === undefined) {
      current.agentId = mark.agentId;
      continue;
    }
    if (current?.agentId === mark.agentId) continue; // the same connection reported twice
    // Connected with no queue leg open (an outbound call, a flow straight to an agent): a leg of its own.
    legs.push({
      id: mark.eventId,
      kind: 'agent',
      queueId: mark.queueId,
      agentId: mark.agentId,
      startedAt: mark.at,
      openedBy: mark.type,
    });
  }
  return legs;
}

export function deriveSegments(
  interactionId: string,
  marks: readonly SegmentMark[],
  interactionEndedAt: number | undefined,
): SegmentRow[] {
  const legs = legsOf(marks);
  const initial = legs[0]?.id ?? '';
  return legs.map((leg, i) => {
    const end = legs[i + 1]?.startedAt ?? interactionEndedAt;
    return {
      id: leg.id,
      interactionId,
      kind: leg.kind,
      queueId: leg.queueId,
      agentId: leg.agentId,
      startedAt: leg.startedAt,
      // An end reported before the leg's own start (clock skew between emitters) is taken as its start.
      endedAt: end === undefined ? undefined : Math.max(end, leg.startedAt),
      previousSegmentId: legs[i - 1]?.id,
      initialSegmentId: initial,
    };
  });
}
