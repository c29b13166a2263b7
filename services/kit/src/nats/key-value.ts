// JetStream KV buckets for hot shared state (presence, leases, live snapshots); revision compare-and-set is the
// primitive leases are built on (ARCHITECTURE.md §4).
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

export type { KV, KvEntry } from '@nats-io/kv';

/** Opens the bucket, creating it with `options` if it does not exist. */
export async function openKeyValue(nc: NatsConnection, bucket: string, options: Partial<KvOptions> = {}): Promise<KV> {
  return new Kvm(nc).create(bucket, { history: 1, ...options });
}
