// Segments are derived from an interaction's whole set of marks: queue legs take the agent who answered, transfers
// open new legs chained by previous/initial links, and no order of arrival changes the result.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SegmentMark } from '../../src/domain/segment-marks.js';
import { deriveSegments } from '../../src/domain/segments.js';

const t0 = Date.UTC(2026, 10, 24, 9);
const at = (seconds: number) => t0 + seconds * 1_000;
const open = (eventId: string, seconds: number, fields: Partial<SegmentMark>): SegmentMark => ({
  eventId,
  interactionId: 'i1',
  at: at(seconds),
  mark: 'open',
  type: 'interaction.queued',
  segmentKind: 'queue',
  queueId: undefined,
  agentId: undefined,
  ...fields,
});
const connect = (eventId: string, seconds: number, agentId: string): SegmentMark => ({
  eventId,
  interactionId: 'i1',
  at: at(seconds),
  mark: 'connect',
  type: 'interaction.connected',
  segmentKind: undefined,
  queueId: undefined,
  agentId,
});

// Flow, queue q1 answered by a1, transferred to q2 (routing re-emits queued there), answered by a2, ended at 300 s.
const call = [
  open('e1', 0, { type: 'interaction.ivr_started', segmentKind: 'ivr' }),
  open('e2', 20, { queueId: 'q1' }),
  connect('e3', 50, 'a1'),
  open('e4', 120, { type: 'interaction.transferred', queueId: 'q2' }),
  open('e5', 121, { queueId: 'q2' }),
  connect('e6', 140, 'a2'),
];

describe('history › segments', () => {
  it('chains a flow, a queue leg answered by one agent and a transfer answered by another', () => {
    expect(deriveSegments('i1', call, at(300))).toEqual([
      {
        id: 'e1',
        interactionId: 'i1',
        kind: 'ivr',
        queueId: undefined,
        agentId: undefined,
        startedAt: at(0),
        endedAt: at(20),
        previousSegmentId: undefined,
        initialSegmentId: 'e1',
      },
      {
        id: 'e2',
        interactionId: 'i1',
        kind: 'queue',
        queueId: 'q1',
        agentId: 'a1',
        startedAt: at(20),
        endedAt: at(120),
        previousSegmentId: 'e1',
        initialSegmentId: 'e1',
      },
      {
        id: 'e4',
        interactionId: 'i1',
        kind: 'queue',
        queueId: 'q2',
        agentId: 'a2',
        startedAt: at(120),
        endedAt: at(300),
        previousSegmentId: 'e2',
        initialSegmentId: 'e1',
      },
    ]);
  });

  it('gives an agent leg of its own to a connection with no queue leg open (an outbound call)', () => {
    const outbound = [connect('o1', 0, 'a7')];
    expect(deriveSegments('i1', outbound, undefined)).toEqual([
      expect.objectContaining({ id: 'o1', kind: 'agent', agentId: 'a7', endedAt: undefined, initialSegmentId: 'o1' }),
    ]);
  });

  it('leaves a live interaction’s last leg open and never ends a leg before it started', () => {
    expect(deriveSegments('i1', call.slice(0, 3), undefined).at(-1)?.endedAt).toBeUndefined();
    expect(deriveSegments('i1', call.slice(0, 3), at(10)).at(-1)?.endedAt).toBe(at(20));
  });

  it('does not depend on the order the marks arrive in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(call, { minLength: call.length }), (shuffled) => {
        expect(deriveSegments('i1', shuffled, at(300))).toEqual(deriveSegments('i1', call, at(300)));
      }),
    );
  });

  it('always forms one chain: each leg starts where the previous ended, all share the first as initial', () => {
    const mark = fc.record({
      id: fc.integer({ min: 0, max: 9_999 }),
      seconds: fc.integer({ min: 0, max: 30 }),
      kind: fc.constantFrom('queue', 'transfer', 'ivr', 'connect'),
      queue: fc.constantFrom('q1', 'q2'),
      agent: fc.constantFrom('a1', 'a2'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(mark, { selector: (m) => m.id, maxLength: 12 }), (drawn) => {
        const marks = drawn.map(({ id, seconds, kind, queue, agent }) =>
          kind === 'connect'
            ? connect(`e${id}`, seconds, agent)
            : kind === 'ivr'
              ? open(`e${id}`, seconds, { type: 'interaction.ivr_started', segmentKind: 'ivr' })
              : open(`e${id}`, seconds, {
                  type: kind === 'transfer' ? 'interaction.transferred' : 'interaction.queued',
                  queueId: queue,
                }),
        );
        const segments = deriveSegments('i1', marks, at(40));
        if (marks.length > 0) expect(segments.length).toBeGreaterThan(0);
        segments.forEach((segment, i) => {
          expect(segment.initialSegmentId).toBe(segments[0]?.id);
          expect(segment.previousSegmentId).toBe(segments[i - 1]?.id);
          expect(segment.endedAt).toBe(segments[i + 1]?.startedAt ?? at(40));
          expect(segment.startedAt).toBeLessThanOrEqual(segment.endedAt ?? Infinity);
        });
        expect(deriveSegments('i1', [...marks].reverse(), at(40))).toEqual(segments);
      }),
    );
  });
});
