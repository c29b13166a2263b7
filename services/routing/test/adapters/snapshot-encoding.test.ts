// The snapshot encoder that reuses interaction records' encodings writes exactly what the generated encoder writes,
// and a record replaced in the catalog is encoded anew (a stale cached encoding would restore an old record).
import { describe, expect, it } from 'vitest';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { RoutingStateSnapshot } from '@parley/protos/parley/routing/v1/state_snapshot';
import { EnqueueInteractionRequest, TransferInteractionRequest } from '@parley/protos/parley/routing/v1/routing';
import { RoutingStateMachine } from '../../src/adapters/routing-state-machine.js';
import { encodeStateSnapshot } from '../../src/adapters/snapshot-encoding.js';
import { setUp, t0 } from '../support/snapshot-center.js';

async function centerWithWaitingWork(): Promise<RoutingStateMachine> {
  const machine = new RoutingStateMachine('waw');
  let at = t0;
  for (const step of setUp) await machine.apply(step.method, step.request, (at += step.gapMs));
  for (let i = 0; i < 5; i++)
    await machine.apply(
      'enqueueInteraction',
      EnqueueInteractionRequest.fromPartial({
        interaction: { id: `extra-${i}`, channel: Channel.CHANNEL_CHAT, siteId: 'waw', queueId: 'q0' },
      }),
      (at += 100),
    );
  machine.engine.drainEvents();
  return machine;
}

const generated = (machine: RoutingStateMachine) =>
  Buffer.from(RoutingStateSnapshot.encode(RoutingStateSnapshot.decode(machine.serialize())).finish());

describe('snapshot encoding', () => {
  it('writes the bytes the generated encoder writes, before and after records change', async () => {
    const machine = await centerWithWaitingWork();
    const first = Buffer.from(machine.serialize());
    expect(first.equals(generated(machine))).toBe(true);
    expect(RoutingStateSnapshot.decode(first).catalog?.interactions.length).toBeGreaterThanOrEqual(5);

    // A transfer replaces the record (new queue id): the next snapshot must carry the new record, not the cached one.
    await machine.apply(
      'transferInteraction',
      TransferInteractionRequest.fromPartial({ interactionId: 'extra-0', target: { queueId: 'q2' } }),
      t0 + 60_000,
    );
    const second = Buffer.from(machine.serialize());
    expect(second.equals(first)).toBe(false);
    expect(second.equals(generated(machine))).toBe(true);
    const record = RoutingStateSnapshot.decode(second).catalog?.interactions.find((i) => i.id === 'extra-0');
    expect(record?.queueId).toBe('q2');
  });

  it('matches the generated encoder for a snapshot without a catalog', () => {
    const snapshot = RoutingStateSnapshot.fromPartial({ version: 1, time: 5, engineJson: Buffer.from('{}') });
    expect(
      Buffer.from(encodeStateSnapshot(snapshot)).equals(Buffer.from(RoutingStateSnapshot.encode(snapshot).finish())),
    ).toBe(true);
  });
});
