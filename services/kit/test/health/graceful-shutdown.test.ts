// SIGTERM on a real service process: it stops taking work, finishes the call in hand, and exits 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeNats,
  connectNats,
  createNatsRpcClient,
  deleteEventStreams,
  type NatsConnection,
} from '../../src/index.js';
import { testNatsUrl, uniqueName, waitFor } from '../../src/testing/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { testLogger } from '../support/quiet-logger.js';

const service = uniqueName('graceful');
const prefix = uniqueName('g');
let nc: NatsConnection | undefined;

afterAll(async () => {
  if (!nc) return;
  const p = prefix;
  await deleteEventStreams(await jetstreamManager(nc), {
    stream: `${p.toUpperCase()}_EVENTS`,
    subjectPrefix: `${p}.evt`,
    deadLetterStream: `${p.toUpperCase()}_DLQ`,
    deadLetterPrefix: `${p}.dlq`,
    duplicateWindowMs: 0,
    maxAgeMs: 0,
  });
  await closeNats(nc);
});

describe('kit service process', () => {
  it('finishes an in-flight call after SIGTERM, reports not ready, and exits 0', async () => {
    const script = fileURLToPath(new URL('../support/echo-service-main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=parley-source', '--import', 'tsx', script], {
      env: {
        ...process.env,
        NATS_URL: testNatsUrl,
        SERVICE_NAME: service,
        PARLEY_STREAM_PREFIX: prefix,
        GRPC_HOST: '127.0.0.1',
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: process.env.CHILD_LOG ?? 'silent',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = await waitFor(() => output.split('\n').find((line) => line.includes('"ready"')), {
      timeoutMs: 20_000,
      description: 'the service to start',
    });
    const { httpPort } = JSON.parse(ready) as { httpPort: number };
    expect((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status).toBe(200);

    nc = await connectNats({ servers: [testNatsUrl], name: 'graceful-test', logger: testLogger });
    const client = createNatsRpcClient(nc, EchoServiceService, { domain: service, defaultTimeoutMs: 5_000 });
    const slowCall = client.echo({ text: 'in flight', delayMs: 700, failWithCode: 0, padding: Buffer.alloc(0) });
    await new Promise((resolve) => setTimeout(resolve, 150)); // the call is now inside the handler
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    // While the call in hand finishes, the process still answers probes, but as not ready.
    const notReady = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
        return response.status === 503 ? await response.json() : undefined;
      },
      { timeoutMs: 500, intervalMs: 10, description: '/readyz to answer 503' },
    );
    expect(notReady).toMatchObject({ status: 'not ready', checks: { accepting: false } });

    await expect(slowCall).resolves.toMatchObject({ text: 'in flight', replicaId: 'process' });
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(
      client.echo({ text: 'after', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) }),
    ).rejects.toMatchObject({ status: 14 });
  });
});
