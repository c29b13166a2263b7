// One exported interaction as a flat CSV record or a JSON object. CSV columns are fixed and documented (README,
// "Export"); a journey is joined on `customer_id` and `parent_interaction_id`, its legs are in `segment_path`.
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { AbandonPoint, InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { ExportInteractionsResponse, SegmentKind, type Segment } from '@parley/protos/parley/history/v1/history';

export const csvColumns = [
  'interaction_id',
  'parent_interaction_id',
  'customer_id',
  'channel',
  'direction',
  'site_id',
  'queue_id',
  'state',
  'agent_ids',
  'created_at',
  'queued_at',
  'offered_at',
  'connected_at',
  'ended_at',
  'wait_ms',
  'talk_ms',
  'hold_ms',
  'wrap_up_ms',
  'handle_ms',
  'wrap_up_code_id',
  'abandon_point',
  'segment_count',
  'segment_path',
  'message_count',
  'note_count',
] as const;

export type CsvRecord = Record<(typeof csvColumns)[number], string | number>;

/** "QUEUE", "CHANNEL_VOICE" → "queue", "voice": the enum name without its prefix, lower case. */
function enumName(names: Record<number, string>, prefix: string, value: number): string {
  const name = names[value] ?? '';
  return name.startsWith(prefix) && !name.endsWith('UNSPECIFIED') ? name.slice(prefix.length).toLowerCase() : '';
}

const iso = (date: Date | undefined) => date?.toISOString() ?? '';

/** "queue:q1:a3>queue:q2:a5": each leg's kind, queue and agent, in order. */
function segmentPath(segments: readonly Segment[]): string {
  return segments
    .map((segment) =>
      [enumName(SegmentKind, 'SEGMENT_KIND_', segment.kind), segment.queueId, segment.agentId].join(':'),
    )
    .join('>');
}

export function toCsvRecord(row: ExportInteractionsResponse): CsvRecord {
  const summary = row.interaction;
  const interaction = summary?.interaction;
  const times = interaction?.timestamps;
  const durations = summary?.durations;
  return {
    interaction_id: interaction?.id ?? '',
    parent_interaction_id: interaction?.parentInteractionId ?? '',
    customer_id: interaction?.customer?.customerId ?? '',
    channel: enumName(Channel, 'CHANNEL_', interaction?.channel ?? 0),
    direction: enumName(Direction, 'DIRECTION_', interaction?.direction ?? 0),
    site_id: interaction?.siteId ?? '',
    queue_id: interaction?.queueId ?? '',
    state: enumName(InteractionState, 'INTERACTION_STATE_', interaction?.state ?? 0),
    agent_ids: (summary?.agentIds ?? []).join('|'),
    created_at: iso(times?.createdAt),
    queued_at: iso(times?.queuedAt),
    offered_at: iso(times?.offeredAt),
    connected_at: iso(times?.connectedAt),
    ended_at: iso(times?.endedAt),
    wait_ms: durations?.waitMs ?? 0,
    talk_ms: durations?.talkMs ?? 0,
    hold_ms: durations?.holdMs ?? 0,
    wrap_up_ms: durations?.wrapUpMs ?? 0,
    handle_ms: durations?.handleMs ?? 0,
    wrap_up_code_id: summary?.wrapUpCodeId ?? '',
    abandon_point: enumName(AbandonPoint, 'ABANDON_POINT_', summary?.abandonPoint ?? 0),
    segment_count: row.segments.length,
    segment_path: segmentPath(row.segments),
    message_count: row.messages.length,
    note_count: row.notes.length,
  };
}

/** The row in the contract's JSON mapping (proto3 JSON: camelCase fields, RFC 3339 times). */
export function toJsonRecord(row: ExportInteractionsResponse): unknown {
  return ExportInteractionsResponse.toJSON(row);
}
