// Replicas share a NATS queue group: both take calls, and when one is killed the survivor takes them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, createNatsRpcClient, type NatsConnection } from '../../src/index.js';
import { testNatsUrl, uniqueName, waitFor } from '../../src/testing/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { testLogger } from '../support/quiet-logger.js';

const domain = uniqueName('failover');
const replicaScript = fileURLToPath(new URL('../support/echo-replica.ts', import.meta.url));
const replicas = new Map<string, ChildProcess>();
let nc: NatsConnection;

async function startReplica(id: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=parley-source', '--import', 'tsx', replicaScript, testNatsUrl, domain, id],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  replicas.set(id, child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes(`ready ${id}`), { timeoutMs: 20_000, description: `replica ${id} to start` });
  return child;
}

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'kit-failover-test', logger: testLogger });
  await Promise.all([startReplica('replica-a'), startReplica('replica-b')]);
}, 60_000);

afterAll(async () => {
  for (const child of replicas.values())
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await closeNats(nc);
});

describe('kit rpc replicas', () => {
  it('spreads calls over both replicas, then sends every call to the survivor when one is killed', async () => {
    const client = createNatsRpcClient(nc, EchoServiceService, { domain, defaultTimeoutMs: 2_000 });
    const call = () => client.echo({ text: 'x', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) });

    const before = await Promise.all(Array.from({ length: 60 }, call));
    expect(new Set(before.map((r) => r.replicaId))).toEqual(new Set(['replica-a', 'replica-b']));

    const victim = replicas.get('replica-a')!;
    victim.kill('SIGKILL');
    await once(victim, 'exit');

    const after = [];
    for (let i = 0; i < 60; i++) after.push(await call());
    expect(after.every((r) => r.replicaId === 'replica-b')).toBe(true);
  });
});
