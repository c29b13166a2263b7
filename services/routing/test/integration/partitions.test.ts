// Two replicas, two partitions on real NATS: the partitions spread over the replicas, each partition's owner serves
// its own sites only, any replica's gRPC port reaches any partition, snapshots trim the log, and when a replica
// stops the other takes its partition over from the snapshot and the log — the waiting interaction still there.
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeNats,
  connectNats,
  createGrpcRpcClient,
  createLogger,
  createNatsRpcClient,
  Status,
  type NatsConnection,
} from '@parley/kit';
import { createTestEventStreams, testNatsUrl, uniqueName, waitFor, type TestEventStreams } from '@parley/kit/testing';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  EnqueueInteractionRequest,
  GetInteractionPositionRequest,
  LoginAgentRequest,
  RoutingServiceService,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import { SnapshotStore } from '../../src/adapters/snapshot-store.js';
import { loadRoutingConfig } from '../../src/config.js';
import { namespacedRoutingResources, operationLogStream, removeRoutingResources } from '../../src/routing-resources.js';
import { partitionMetadataKey, startRoutingReplica } from '../../src/routing-replica.js';

const logger = createLogger({ service: 'partitions-test', level: 'silent' });
const run = uniqueName('parts');
const resources = namespacedRoutingResources(run);
type Replica = Awaited<ReturnType<typeof startRoutingReplica>>;
let nc: NatsConnection;
let streams: TestEventStreams;
const replicas: Replica[] = [];

function startReplica(): Promise<Replica> {
  const config = loadRoutingConfig({
    NATS_URL: testNatsUrl,
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PARLEY_SITE: 'emea',
    ROUTING_PARTITIONS: 'eu=waw,krk;us=nyc',
    ROUTING_SNAPSHOT_EVERY_OPS: '5',
    // Cold standbys: the takeover below restores the snapshot and replays the log (hot-standby.test.ts and the
    // failover test cover standbys that follow the log).
    ROUTING_HOT_STANDBY: 'false',
  });
  return startRoutingReplica({ config, eventStreams: streams.config, handleSignals: false, resources }).then(
    (replica) => {
      replicas.push(replica);
      return replica;
    },
  );
}

const client = (partition: string) =>
  createNatsRpcClient(nc, RoutingServiceService, { domain: `${run}.${partition}`, defaultTimeoutMs: 2_000 });

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'partitions-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
}, 30_000);

afterAll(async () => {
  for (const replica of replicas) await replica.stop().catch(() => undefined);
  await removeRoutingResources(nc, resources, 'emea', ['eu', 'us']);
  await streams?.remove();
  await closeNats(nc);
});

async function seed(partition: string, site: string) {
  const rpc = client(partition);
  await rpc.upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: { id: `q-${partition}`, displayName: 'Q', channels: [Channel.CHANNEL_CHAT], siteIds: [site] },
    }),
  );
  await rpc.upsertAgent(
    UpsertAgentRequest.fromPartial({
      agent: {
        id: `agent-${partition}`,
        displayName: 'A',
        siteId: site,
        capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 1 }],
      },
    }),
  );
  await rpc.loginAgent(
    LoginAgentRequest.fromPartial({
      agentId: `agent-${partition}`,
      sessionId: 's',
      initialState: AgentState.AGENT_STATE_AVAILABLE,
    }),
  );
  // The first takes the agent's only chat slot; the second waits.
  for (const id of ['first', 'second'])
    await rpc.enqueueInteraction(
      EnqueueInteractionRequest.fromPartial({
        interaction: {
          id: `${partition}-${id}`,
          channel: Channel.CHANNEL_CHAT,
          siteId: site,
          queueId: `q-${partition}`,
        },
      }),
    );
}

describe('routing partitions', () => {
  it('spread over replicas, keep to their sites, answer on any gRPC port, and fail over from a snapshot', async () => {
    const [a, b] = await Promise.all([startReplica(), startReplica()]);
    await waitFor(() => a!.ownedPartitions().length + b!.ownedPartitions().length === 2, {
      timeoutMs: 10_000,
      description: 'both partitions owned',
    });
    // The stand-off lets the replica that owns nothing take the second partition.
    expect(a!.ownedPartitions()).toHaveLength(1);
    expect(b!.ownedPartitions()).toHaveLength(1);

    await seed('eu', 'waw');
    await seed('us', 'nyc');
    await expect(
      client('eu').upsertAgent(
        UpsertAgentRequest.fromPartial({ agent: { id: 'stray', displayName: 'S', siteId: 'nyc' } }),
      ),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION, code: 'PARLEY_ROUTING_WRONG_PARTITION' });
    await expect(
      client('us').getInteractionPosition(GetInteractionPositionRequest.fromPartial({ interactionId: 'eu-second' })),
    ).rejects.toMatchObject({ status: Status.NOT_FOUND });

    // gRPC on the replica that does not own "eu" forwards to the one that does; the partition must be named.
    const nonOwner = a!.isOwner('eu') ? b! : a!;
    const grpc = createGrpcRpcClient(`127.0.0.1:${nonOwner.ports.grpcPort}`, RoutingServiceService);
    const position = await grpc.client.getInteractionPosition(
      GetInteractionPositionRequest.fromPartial({ interactionId: 'eu-second' }),
      { metadata: { [partitionMetadataKey]: 'eu' } },
    );
    expect(position.position?.position).toBe(1);
    await expect(
      grpc.client.getInteractionPosition(GetInteractionPositionRequest.fromPartial({ interactionId: 'eu-second' })),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT });
    grpc.close();

    // Snapshots are stored every 5 operations, and the log trimmed behind the previous one.
    for (let i = 0; i < 6; i++)
      await client('eu').enqueueInteraction(
        EnqueueInteractionRequest.fromPartial({
          interaction: { id: `eu-more-${i}`, channel: Channel.CHANNEL_CHAT, siteId: 'waw', queueId: 'q-eu' },
        }),
      );
    const euOwner = a!.isOwner('eu') ? a! : b!;
    const snapshots = await SnapshotStore.open(nc, resources.snapshotBucket, 'emea.eu');
    await waitFor(async () => (await snapshots.storedSequence()) >= 10, { description: 'a second eu snapshot' });
    const jsm = await jetstreamManager(nc);
    const euLog = operationLogStream(resources, 'emea', 'eu');
    await waitFor(async () => (await jsm.streams.info(euLog)).state.first_seq > 1, { description: 'the log trimmed' });
    const survivor = euOwner === a ? b! : a!;
    await euOwner.stop();
    await waitFor(() => survivor.isOwner('eu') && survivor.isOwner('us'), {
      timeoutMs: 10_000,
      description: 'the survivor to own both partitions',
    });
    const after = await client('eu').getInteractionPosition(
      GetInteractionPositionRequest.fromPartial({ interactionId: 'eu-second' }),
    );
    expect(after.position?.position).toBe(1);
    expect(after.position?.waiting).toBe(7);
  }, 40_000);
});
