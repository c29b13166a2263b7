// Telemetry as a service runs it: spans exported over OTLP to the configured endpoint, metrics (including the
// dead-letter counter) on /metrics. The OTLP collector is a local HTTP receiver standing in for the OpenTelemetry
// Collector, which cannot run here; it only records what arrives.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  closeNats,
  connectNats,
  createNatsRpcClient,
  DurableEventConsumer,
  EventPublisher,
  NatsRpcServer,
  startTelemetry,
  type NatsConnection,
  type Telemetry,
} from '../../src/index.js';
import {
  createTestEventStreams,
  testNatsUrl,
  uniqueName,
  waitFor,
  type TestEventStreams,
} from '../../src/testing/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from '../support/echo-handlers.js';
import { testLogger } from '../support/quiet-logger.js';

const received: { path: string; contentType: string; bytes: number }[] = [];
const collector = createServer((request: IncomingMessage, response: ServerResponse) => {
  let bytes = 0;
  request.on('data', (chunk: Buffer) => (bytes += chunk.length));
  request.on('end', () => {
    received.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', bytes });
    response.writeHead(200, { 'content-type': 'application/x-protobuf' });
    response.end();
  });
});

let telemetry: Telemetry;
let nc: NatsConnection;
let streams: TestEventStreams;

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const port = (collector.address() as AddressInfo).port;
  telemetry = startTelemetry({
    serviceName: 'kit-telemetry-test',
    site: 'waw',
    otlpEndpoint: `http://127.0.0.1:${port}`,
  });
  nc = await connectNats({ servers: [testNatsUrl], name: 'kit-telemetry-test', logger: testLogger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
});

afterAll(async () => {
  await streams?.remove();
  await closeNats(nc);
  await telemetry?.shutdown();
  collector.close();
});

function scrape(): Promise<string> {
  return new Promise((resolve) => {
    const chunks: string[] = [];
    const response = {
      statusCode: 0,
      setHeader: () => undefined,
      writeHead: () => response,
      end: (body?: string) => {
        if (body) chunks.push(body);
        resolve(chunks.join(''));
      },
    };
    telemetry.handleMetricsRequest({} as IncomingMessage, response as unknown as ServerResponse);
  });
}

describe('kit telemetry', () => {
  it('counts dead-lettered events in the Prometheus metrics', async () => {
    const js = jetstream(nc);
    const name = `metrics_${ulid().toLowerCase()}`;
    const consumer = await DurableEventConsumer.start({
      js,
      jsm: await jetstreamManager(nc),
      streams: streams.config,
      name,
      logger: testLogger,
      maxDeliveries: 2,
      backoffMs: [10],
      handler: async () => {
        throw new Error('always fails');
      },
    });
    await new EventPublisher(js, streams.config).publish(
      Envelope.fromPartial({ id: ulid(), type: 'agent.logged_in', site: 'waw', occurredAt: new Date() }),
    );
    const line = new RegExp(`parley_events_dead_lettered_total\\{consumer="${name}"[^}]*\\} 1`);
    await waitFor(async () => line.test(await scrape()), { timeoutMs: 10_000, description: 'the dead-letter metric' });
    expect(await scrape()).toMatch(
      new RegExp(`parley_events_handled_total\\{consumer="${name}",outcome="failed"[^}]*\\} 2`),
    );
    await consumer.close();
  });
  it('exports the spans of an RPC to the OTLP endpoint', async () => {
    const domain = uniqueName('otlp');
    const server = new NatsRpcServer(nc, testLogger);
    server.serve(EchoServiceService, createEchoHandlers('traced'), { domain });
    const client = createNatsRpcClient(nc, EchoServiceService, { domain });
    const response = await client.echo({ text: 'traced', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) });
    expect(response.traceId).toMatch(/^[0-9a-f]{32}$/);
    await server.close();
    await telemetry.shutdown(); // flushes the batch processor (so this test runs last)
    const traces = received.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]?.contentType).toBe('application/x-protobuf');
    expect(traces[0]?.bytes).toBeGreaterThan(100);
  });
});
