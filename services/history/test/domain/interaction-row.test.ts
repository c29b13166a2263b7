// mergeRows is what lets a batch merge an interaction's events before writing: it must not care about order or
// grouping (commutative, associative), and folding a shuffled list of facts must give the same row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InteractionFacts, InteractionStateName } from '../../src/domain/interaction-facts.js';
import { mergeRows, rowFromFacts } from '../../src/domain/interaction-row.js';

const states: InteractionStateName[] = [
  'created',
  'queued',
  'offered',
  'connected',
  'wrap_up',
  'completed',
  'abandoned',
];
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const moment = fc.integer({ min: 0, max: 20 }).map((s) => new Date(Date.UTC(2026, 0, 1) + s * 1_000));

const facts: fc.Arbitrary<InteractionFacts> = fc.record({
  interactionId: fc.constant('i1'),
  at: moment,
  state: optional(fc.constantFrom(...states)),
  channel: optional(fc.constantFrom('voice', 'chat', 'unknown')),
  direction: optional(fc.constantFrom('inbound', 'outbound')),
  siteId: optional(fc.constantFrom('waw', 'krk', '')),
  customerId: optional(fc.constantFrom('c1', 'c2')),
  queueId: optional(fc.constantFrom('q1', 'q2')),
  queuedAt: optional(moment),
  offeredAt: optional(moment),
  connectedAgentId: optional(fc.constantFrom('a1', 'a2', 'a3')),
  waitMs: optional(fc.nat(60_000)),
  endedAt: optional(moment),
  completedAt: optional(moment),
  disposition: optional(fc.constantFrom('sold', 'info')),
  abandonPoint: optional(fc.constantFrom('queue', 'offer')),
  holdMs: optional(fc.nat(10_000)),
});

describe('interaction rows', () => {
  it('merge the same whatever the order and grouping of the facts', () => {
    fc.assert(
      fc.property(fc.array(facts, { minLength: 1, maxLength: 8 }), fc.nat(), (list, seed) => {
        const rows = list.map(rowFromFacts);
        const folded = rows.reduce(mergeRows);
        const permuted = [...rows].sort(
          (a, b) => ((a.lastEventAt * 31 + seed) % 7) - ((b.lastEventAt * 31 + seed) % 7),
        );
        expect(permuted.reduceRight((acc, row) => mergeRows(row, acc))).toEqual(folded);
        if (rows.length >= 3) {
          const [x, y, z] = rows as [typeof folded, typeof folded, typeof folded];
          expect(mergeRows(mergeRows(x, y), z)).toEqual(mergeRows(x, mergeRows(y, z)));
          expect(mergeRows(x, y)).toEqual(mergeRows(y, x));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keep the first agent of the earliest connection and the last of the latest', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1_000);
    const first = rowFromFacts({ interactionId: 'i1', at: at(10), connectedAgentId: 'a2', waitMs: 9_000 });
    const second = rowFromFacts({ interactionId: 'i1', at: at(50), connectedAgentId: 'a1', waitMs: 1_000 });
    const row = mergeRows(second, first);
    expect([row.firstAgentId, row.waitMs, row.lastAgentId]).toEqual(['a2', 9_000, 'a1']);
  });
});
