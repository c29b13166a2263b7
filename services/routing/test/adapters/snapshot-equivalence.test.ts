// A restored snapshot is the same routing state: after any random history, a machine restored from a snapshot and
// the machine that took it answer every later operation the same way, publish the same events (offer ids, timer
// order, state durations included), read the same and end with the same snapshot (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoutingStateMachine } from '../../src/adapters/routing-state-machine.js';
import { decodeSnapshot, encodeSnapshot, expectRestoredToMatch, history } from '../support/snapshot-histories.js';

describe('routing state snapshots', () => {
  it('restore to a machine that behaves exactly like the original from then on', async () => {
    await fc.assert(
      fc.asyncProperty(history, ([actions, cutAt]) =>
        expectRestoredToMatch(actions, cutAt, { compareSnapshots: true }),
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a snapshot of an unknown version', () => {
    const future = decodeSnapshot(new RoutingStateMachine('waw').snapshot());
    future.version = 9;
    expect(() => RoutingStateMachine.restore('waw', encodeSnapshot(future))).toThrow(/version 9 is not supported/);
  });
});
