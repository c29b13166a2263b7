// Leases on JetStream KV: one owner at a time, a crashed owner replaced after the TTL, a paused owner fenced out.
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, Lease, type NatsConnection } from '../../src/index.js';
import { testNatsUrl, uniqueName, waitFor } from '../../src/testing/index.js';
import { testLogger } from '../support/quiet-logger.js';

let nc: NatsConnection;
const buckets: string[] = [];

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'kit-lease-test', logger: testLogger });
});

afterAll(async () => {
  const kvm = new Kvm(nc);
  for (const bucket of buckets) await (await kvm.open(bucket)).destroy().catch(() => undefined);
  await closeNats(nc);
});

function options(
  owner: string,
  bucket: string,
  extra: { onLost?: () => void; standOffMs?: () => number; key?: string } = {},
) {
  return { bucket, key: 'partition-0', owner, ttlMs: 1_500, intervalMs: 100, logger: testLogger, ...extra };
}

function newBucket(): string {
  const bucket = uniqueName('LEASE').toUpperCase();
  buckets.push(bucket);
  return bucket;
}

describe('kit lease', () => {
  it('gives the lease to exactly one contender', async () => {
    const bucket = newBucket();
    const a = await Lease.open(nc, options('a', bucket));
    const b = await Lease.open(nc, options('b', bucket));
    const results = await Promise.all([a.attempt(), b.attempt()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.attempt()).toBe(a.held);
    expect(await b.attempt()).toBe(b.held);
    expect(a.held !== b.held).toBe(true);
    await a.close();
    await b.close();
  });

  it('hands over at once when the owner closes, and after the TTL when the owner crashes', async () => {
    const bucket = newBucket();
    const a = await Lease.open(nc, options('a', bucket));
    const b = await Lease.open(nc, options('b', bucket));
    expect(await a.attempt()).toBe(true);
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(b.held).toBe(false); // a's key lives for the TTL even though a is not renewing
    await a.close();
    await waitFor(() => b.held, { timeoutMs: 1_000, description: 'b to take over after a closes' });

    const c = await Lease.open(nc, options('c', bucket));
    c.start();
    const crashedAt = Date.now();
    b.abandon(); // b stops renewing without releasing: a crash
    await waitFor(() => c.held, { timeoutMs: 5_000, intervalMs: 20, description: 'c to take over after b crashes' });
    const takeoverMs = Date.now() - crashedAt;
    expect(takeoverMs).toBeLessThan(1_500 + 1_000); // TTL plus a couple of intervals
    await c.close();
  });

  it('tells an owner paused past its TTL that it lost the lease', async () => {
    const bucket = newBucket();
    let lost = false;
    const a = await Lease.open(nc, options('a', bucket, { onLost: () => void (lost = true) }));
    const b = await Lease.open(nc, options('b', bucket));
    expect(await a.attempt()).toBe(true);
    await waitFor(() => b.attempt(), {
      timeoutMs: 4_000,
      intervalMs: 100,
      description: 'b to take over from the silent a',
    });
    expect(await a.attempt()).toBe(false); // a's renewal carries a stale revision
    expect(lost).toBe(true);
    expect(a.held).toBe(false);
    await b.close();
  });

  it('lets the replica without a stand-off take a vacant lease first, and still takes it after the stand-off', async () => {
    const bucket = newBucket();
    const busy = await Lease.open(nc, options('busy', bucket, { standOffMs: () => 800 }));
    const idle = await Lease.open(nc, options('idle', bucket, { standOffMs: () => 0 }));
    expect(await busy.attempt()).toBe(false); // vacant, but standing off
    expect(await idle.attempt()).toBe(true);
    expect(busy.held).toBe(false);
    await idle.close();

    busy.start();
    const vacantAt = Date.now();
    await waitFor(() => busy.held, { timeoutMs: 3_000, intervalMs: 20, description: 'busy to take it in the end' });
    expect(Date.now() - vacantAt).toBeGreaterThanOrEqual(700);
    await busy.close();
  });
});
