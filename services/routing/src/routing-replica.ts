// A routing replica: one process that competes for every configured partition of its site (partition-owner.ts),
// owning some and standing by for the rest. Replicas that already own partitions stand off before taking a vacant
// one, so partitions spread over replicas without a coordinator. Over NATS each partition's owner answers on its
// own subjects; the gRPC port answers for any partition (the `parley-routing-partition` metadata names it when
// there are several), forwarding over NATS to whichever replica owns it.
import { hostname } from 'node:os';
import {
  createNatsRpcClient,
  InvalidArgumentError,
  ServiceHost,
  type CallContext,
  type ContractHandlers,
  type EventStreamsConfig,
  type RpcClient,
} from '@parley/kit';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { RoutingConfig } from './config.js';
import { PartitionOwner } from './partition-owner.js';
import { defaultRoutingResources, type RoutingResources } from './routing-resources.js';
import { partitionRpcDomain } from './partitions/index.js';

export interface RoutingReplicaOptions {
  config: RoutingConfig;
  eventStreams?: EventStreamsConfig;
  /** Names of the streams, buckets and subjects (tests and benchmarks use their own). */
  resources?: Partial<RoutingResources>;
  leaseTtlMs?: number;
  handleSignals?: boolean;
  /** How often each owner runs the self-repair (default 30 s). */
  reconcileEveryMs?: number;
}

/** gRPC metadata naming the partition a call is for (required when the site has several). */
export const partitionMetadataKey = 'parley-routing-partition';
/** How much longer a replica waits before taking a vacant partition, per partition it already owns. */
const standOffPerOwnedPartitionMs = 750;

type AnyHandler = (request: unknown, context: CallContext) => Promise<unknown>;

export async function startRoutingReplica(options: RoutingReplicaOptions) {
  const { config } = options;
  const resources: RoutingResources = { ...defaultRoutingResources, ...options.resources };
  const host = await ServiceHost.start({
    service: 'routing',
    config,
    grpcPort: config.GRPC_PORT,
    httpPort: config.HTTP_PORT,
    ...(options.eventStreams ? { eventStreams: options.eventStreams } : {}),
    handleSignals: options.handleSignals ?? true,
  });
  const source = `routing/${hostname()}/${process.pid}`;
  const owners = new Map<string, PartitionOwner>();
  const ownedCount = () => [...owners.values()].filter((owner) => owner.holdsLease).length;
  for (const partition of config.ROUTING_PARTITIONS) {
    const owner = await PartitionOwner.open({
      host,
      site: config.PARLEY_SITE,
      partition,
      resources,
      source,
      leaseTtlMs: options.leaseTtlMs ?? 2_000,
      standOffMs: () => ownedCount() * standOffPerOwnedPartitionMs,
      reconcileEveryMs: options.reconcileEveryMs ?? 30_000,
      snapshotEveryOps: config.ROUTING_SNAPSHOT_EVERY_OPS,
      snapshotEveryMs: config.ROUTING_SNAPSHOT_EVERY_MS,
      followEveryMs: config.ROUTING_HOT_STANDBY ? config.ROUTING_FOLLOW_EVERY_MS : undefined,
      onOwnershipChange: () =>
        host.logger.info({ owned: [...owners.values()].filter((o) => o.isOwner).map((o) => o.name) }, 'partitions'),
    });
    owners.set(partition.name, owner);
  }

  host.shutdown.add('partitions', async () => {
    await Promise.all([...owners.values()].map((owner) => owner.close()));
  });
  host.serve(RoutingServiceService, grpcHandlers(host, owners, resources), { nats: false });
  const ports = await host.listen();
  // One partition at a time, so each first attempt sees the leases the earlier ones took (and stands off for them).
  for (const owner of owners.values()) await owner.start();
  return {
    host,
    ports,
    /** Whether this replica owns the partition (the only one when omitted). */
    isOwner: (partition?: string) =>
      partition ? (owners.get(partition)?.isOwner ?? false) : [...owners.values()].some((o) => o.isOwner),
    ownedPartitions: () => [...owners.values()].filter((o) => o.isOwner).map((o) => o.name),
    stop: () => host.stop(),
  };
}

/** gRPC calls for a partition this replica owns are served here; others are forwarded to the owner over NATS. */
function grpcHandlers(host: ServiceHost, owners: ReadonlyMap<string, PartitionOwner>, resources: RoutingResources) {
  const forwarders = new Map<string, RpcClient<typeof RoutingServiceService>>();
  for (const name of owners.keys())
    forwarders.set(
      name,
      createNatsRpcClient(host.nc, RoutingServiceService, {
        domain: partitionRpcDomain(resources.rpcDomainPrefix, name),
      }),
    );
  const only = owners.size === 1 ? [...owners.keys()][0] : undefined;
  const handlers: Record<string, AnyHandler> = {};
  for (const method of Object.keys(RoutingServiceService)) {
    handlers[method] = (request, context) => {
      const name = context.metadata[partitionMetadataKey] ?? only;
      const owner = name === undefined ? undefined : owners.get(name);
      if (!owner || name === undefined)
        return Promise.reject(
          new InvalidArgumentError('PARLEY_ROUTING_INVALID_ARGUMENT', [
            {
              field: partitionMetadataKey,
              description: `must name one of this site's routing partitions: ${[...owners.keys()].join(', ')}`,
            },
          ]),
        );
      if (owner.isOwner) return (owner.handlers[method] as AnyHandler)(request, context);
      const forward = (forwarders.get(name) as unknown as Record<string, (r: unknown, o: unknown) => Promise<unknown>>)[
        method
      ] as (r: unknown, o: unknown) => Promise<unknown>;
      return forward(request, {
        ...(context.deadline ? { deadline: context.deadline } : {}),
        metadata: context.metadata,
      });
    };
  }
  return handlers as unknown as ContractHandlers<typeof RoutingServiceService>;
}
