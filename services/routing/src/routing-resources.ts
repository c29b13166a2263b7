// The names of what the routing state lives in on NATS: operation log streams, the lease bucket, the snapshot
// store and the RPC subjects. Production uses the defaults; tests and benchmarks get their own, and remove them.
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import type { NatsConnection } from '@parley/kit';

export interface RoutingResources {
  /** Stream name prefix: one operation log stream per site and partition. */
  operationLogStreamPrefix: string;
  operationLogSubjectPrefix: string;
  leaseBucket: string;
  snapshotBucket: string;
  /** RPC domain prefix: a partition's owner serves `parley.rpc.<prefix>.<partition>.<Method>`. */
  rpcDomainPrefix: string;
}

export const defaultRoutingResources: RoutingResources = {
  operationLogStreamPrefix: 'PARLEY_ROUTING_OPS',
  operationLogSubjectPrefix: 'parley.routing.ops',
  leaseBucket: 'PARLEY_ROUTING_LEASES',
  snapshotBucket: 'PARLEY_ROUTING_SNAPSHOTS',
  rpcDomainPrefix: 'routing',
};

/** Resources of their own for one test or benchmark run (`run` is a NATS subject token). */
export function namespacedRoutingResources(run: string): RoutingResources {
  return {
    operationLogStreamPrefix: `${run}_OPS`.toUpperCase().replace(/-/g, '_'),
    operationLogSubjectPrefix: `${run}.ops`,
    leaseBucket: `${run}_LEASES`.toUpperCase().replace(/-/g, '_'),
    snapshotBucket: `${run}_SNAPSHOTS`.toUpperCase().replace(/-/g, '_'),
    rpcDomainPrefix: run,
  };
}

export function operationLogStream(resources: RoutingResources, site: string, partition: string): string {
  return `${resources.operationLogStreamPrefix}_${site}_${partition}`.toUpperCase().replace(/-/g, '_');
}

/** Deletes the streams and buckets of the given partitions (tests and benchmarks clean up with it). */
export async function removeRoutingResources(
  nc: NatsConnection,
  resources: RoutingResources,
  site: string,
  partitions: readonly string[],
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const partition of partitions)
    await jsm.streams.delete(operationLogStream(resources, site, partition)).catch(() => false);
  await jsm.streams.delete(`KV_${resources.leaseBucket}`).catch(() => false);
  await (await new Objm(nc).open(resources.snapshotBucket).catch(() => undefined))?.destroy().catch(() => false);
}
