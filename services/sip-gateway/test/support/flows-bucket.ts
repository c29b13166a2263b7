// A flows bucket of the test's own (SIP_FLOWS_BUCKET), so flows stored elsewhere on this NATS (a developer's
// `pnpm start`, another test) never replace the test's; removed afterwards (a KV bucket is the stream KV_<name>).
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@parley/kit';

export function testFlowsBucket(): string {
  return `test_flows_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function removeFlowsBucket(nc: NatsConnection, bucket: string): Promise<void> {
  await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => undefined);
}
