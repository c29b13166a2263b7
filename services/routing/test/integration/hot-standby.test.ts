// A hot standby on real NATS: it follows an owner's operation log into a state byte-identical to the owner's, and
// when the log is trimmed behind a newer snapshot while it lags, it rebuilds from that snapshot and catches up; it
// keeps for re-publishing only the events the owner had not recorded as published.
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, createLogger, type NatsConnection } from '@parley/kit';
import { testNatsUrl, uniqueName, waitFor } from '@parley/kit/testing';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  EnqueueInteractionRequest,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import { encodeRequest } from '../../src/adapters/operation-codec.js';
import { OperationLog } from '../../src/adapters/operation-log.js';
import { RoutingStateMachine } from '../../src/adapters/routing-state-machine.js';
import { SnapshotStore } from '../../src/adapters/snapshot-store.js';
import { PartitionFollower } from '../../src/partition-follower.js';
import { parsePartitions, type RoutingPartition } from '../../src/partitions/index.js';
import { namespacedRoutingResources, operationLogStream, removeRoutingResources } from '../../src/routing-resources.js';

const logger = createLogger({ service: 'hot-standby-test', level: 'silent' });
const run = uniqueName('hot');
const resources = namespacedRoutingResources(run);
const partition = parsePartitions('p0=*').partitions[0] as RoutingPartition;
let nc: NatsConnection;
let log: OperationLog;
let snapshots: SnapshotStore;

/** Plays the owner: applies each call to its own machine and appends it to the log, as PartitionOwner does. */
class Owner {
  readonly machine = new RoutingStateMachine('emea', partition);
  private at = Date.now();
  /** How many events the last call produced. */
  lastEvents = 0;

  async call(method: string, request: unknown): Promise<void> {
    const at = (this.at += 10);
    await this.machine.apply(method, request, at).catch(() => undefined);
    this.lastEvents = this.machine.engine.drainEvents().length;
    // Everything logged before this call has its events published (the owner's pipeline fully drained).
    await log.append({ method, at, request: encodeRequest(method, request), publishedThrough: log.position });
  }

  async enqueue(count: number, from: number): Promise<void> {
    for (let i = from; i < from + count; i++) {
      const interaction = { id: `i${i}`, channel: Channel.CHANNEL_CHAT, siteId: 'waw', queueId: 'q', priority: i % 3 };
      await this.call('enqueueInteraction', EnqueueInteractionRequest.fromPartial({ interaction }));
    }
  }
}

function follower(everyMs: number): PartitionFollower {
  return new PartitionFollower({ log, snapshots, site: 'emea', partition, everyMs, keepEventsMs: 60_000, logger });
}

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'hot-standby-test', logger });
  log = new OperationLog(nc, await jetstreamManager(nc), {
    stream: operationLogStream(resources, 'emea', 'p0'),
    subject: `${resources.operationLogSubjectPrefix}.emea.p0`,
  });
  await log.ensureStream();
  await log.readAfter(0)[Symbol.asyncIterator]().next(); // positions the log for appends
  snapshots = await SnapshotStore.open(nc, resources.snapshotBucket, 'emea.p0');
});

afterAll(async () => {
  await removeRoutingResources(nc, resources, 'emea', ['p0']);
  await closeNats(nc);
});

describe('hot standby', () => {
  it('follows the log into the owner’s exact state, and rebuilds from a newer snapshot after a trim', async () => {
    const owner = new Owner();
    await owner.call(
      'upsertQueue',
      UpsertQueueRequest.fromPartial({ queue: { id: 'q', displayName: 'Q', channels: [Channel.CHANNEL_CHAT] } }),
    );
    await owner.call(
      'upsertAgent',
      UpsertAgentRequest.fromPartial({
        agent: {
          id: 'a1',
          displayName: 'A',
          siteId: 'waw',
          capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 2 }],
        },
      }),
    );
    await owner.enqueue(50, 0);

    const standby = follower(1_500); // catches up at once, then every 1.5 s: the trim below lands in between
    standby.start();
    await waitFor(() => standby.sequence === log.position, { timeoutMs: 5_000 });
    expect(standby.restoredFromSnapshot).toBe(1); // the first copy: no snapshot stored yet, an empty state

    // While the standby waits for its next catch-up: more operations, a snapshot covering them, the log trimmed.
    await owner.enqueue(30, 50);
    await snapshots.save({ sequence: log.position, state: owner.machine.snapshot() });
    await log.trimThrough(log.position);
    await owner.enqueue(20, 80);

    await waitFor(() => standby.sequence === log.position, { timeoutMs: 5_000 });
    expect(standby.restoredFromSnapshot).toBe(2);
    const copy = await standby.stop();
    expect(copy?.sequence).toBe(log.position);
    expect(Buffer.compare(copy?.machine.serialize() ?? new Uint8Array(), owner.machine.serialize())).toBe(0);
    expect(copy?.machine.engine.interactions.size).toBe(100);
    // Only the last operation's events are not known to be published: a takeover re-publishes just those.
    expect(copy?.recentEnvelopes({ site: 'emea', source: 'test' })).toHaveLength(owner.lastEvents);
    expect(owner.lastEvents).toBeGreaterThan(0);
  });
});
