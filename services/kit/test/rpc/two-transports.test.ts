// The same contract over gRPC and over NATS: same answers, same error codes and details, deadlines, trace context.
import { readFileSync } from 'node:fs';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeNats,
  connectNats,
  createGrpcRpcClient,
  createNatsRpcClient,
  GrpcRpcServer,
  NatsRpcServer,
  RpcError,
  Status,
  type NatsConnection,
  type RpcClient,
} from '../../src/index.js';
import { enableTestTracing, setSpanRecording, testNatsUrl, uniqueName } from '../../src/testing/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from '../support/echo-handlers.js';
import { testLogger } from '../support/quiet-logger.js';

type EchoClient = RpcClient<typeof EchoServiceService>;

const domain = uniqueName('kittest');
let nc: NatsConnection;
let grpcServer: GrpcRpcServer;
let natsServer: NatsRpcServer;
let closeGrpcClient: () => void;
const clients: Record<'grpc' | 'nats', EchoClient> = {} as Record<'grpc' | 'nats', EchoClient>;

beforeAll(async () => {
  enableTestTracing();

  nc = await connectNats({ servers: [testNatsUrl], name: 'kit-test', logger: testLogger });
  const handlers = createEchoHandlers('replica-a');
  natsServer = new NatsRpcServer(nc, testLogger);
  natsServer.serve(EchoServiceService, handlers, { domain });
  grpcServer = new GrpcRpcServer({
    logger: testLogger,
    extraDescriptorSets: [readFileSync(new URL('../protos/gen/descriptor.binpb', import.meta.url))],
  });
  grpcServer.serve(EchoServiceService, handlers);
  const port = await grpcServer.listen('127.0.0.1', 0);
  grpcServer.setServing(true);
  const grpc = createGrpcRpcClient(`127.0.0.1:${port}`, EchoServiceService);
  closeGrpcClient = grpc.close;
  clients.grpc = grpc.client;
  clients.nats = createNatsRpcClient(nc, EchoServiceService, { domain });
});

afterAll(async () => {
  closeGrpcClient?.();
  await grpcServer?.close(1_000);
  await natsServer?.close();
  await closeNats(nc);
});

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RpcError);
  return error as RpcError;
}

describe.each(['grpc', 'nats'] as const)('kit rpc over %s', (transport) => {
  it('answers a call with the handler result and the caller metadata', async () => {
    const response = await clients[transport].echo(
      { text: 'hello', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) },
      { metadata: { 'x-tenant': 'acme' } },
    );
    expect(response.text).toBe('hello');
    expect(response.replicaId).toBe('replica-a');
    expect(response.transport).toBe(transport);
    expect(response.metadata['x-tenant']).toBe('acme');
    // Transport and tracing headers are the kit's business, not the handler's.
    for (const internal of ['parley-timeout', 'traceparent', 'grpc-timeout', 'content-type']) {
      expect(response.metadata).not.toHaveProperty(internal);
    }
  });

  it('returns NOT_FOUND with the stable code and metadata', async () => {
    const error = await rejection(clients[transport].lookup({ key: 'missing' }));
    expect(error.status).toBe(Status.NOT_FOUND);
    expect(error.code).toBe('PARLEY_KITTEST_KEY_NOT_FOUND');
    expect(error.domain).toBe('kittest');
    expect(error.metadata).toEqual({ key: 'missing' });
    expect(error.message).toBe('no key "missing"');
  });

  it('returns INVALID_ARGUMENT naming the bad field', async () => {
    const error = await rejection(clients[transport].lookup({ key: '' }));
    expect(error.status).toBe(Status.INVALID_ARGUMENT);
    expect(error.code).toBe('PARLEY_KITTEST_KEY_REQUIRED');
    expect(error.fieldViolations).toEqual([{ field: 'key', description: 'is required' }]);
  });

  it('returns DEADLINE_EXCEEDED when the handler outlasts the deadline', async () => {
    const started = Date.now();
    const error = await rejection(
      clients[transport].echo(
        { text: 'slow', delayMs: 1_000, failWithCode: 0, padding: Buffer.alloc(0) },
        { timeoutMs: 150 },
      ),
    );
    expect(error.status).toBe(Status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('carries any requested status code unchanged', async () => {
    for (const code of [Status.PERMISSION_DENIED, Status.FAILED_PRECONDITION, Status.RESOURCE_EXHAUSTED]) {
      const error = await rejection(
        clients[transport].echo({ text: '', delayMs: 0, failWithCode: code, padding: Buffer.alloc(0) }),
      );
      expect(error.status).toBe(code);
      expect(error.code).toBe('PARLEY_KITTEST_REQUESTED_FAILURE');
    }
  });

  it('propagates the caller trace into the handler', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('caller', async (span) => {
      const response = await clients[transport].echo({
        text: 't',
        delayMs: 0,
        failWithCode: 0,
        padding: Buffer.alloc(0),
      });

      expect(response.traceId).toBe(span.spanContext().traceId);
      span.end();
    });
  });

  it('passes the caller trace through unchanged when spans are not recorded (no exporter)', async () => {
    setSpanRecording(false);
    try {
      await trace.getTracer('test').startActiveSpan('caller', async (span) => {
        const response = await clients[transport].echo({
          text: 't',
          delayMs: 0,
          failWithCode: 0,
          padding: Buffer.alloc(0),
        });
        expect(response.traceId).toBe(span.spanContext().traceId);
        span.end();
      });
    } finally {
      setSpanRecording(true);
    }
  });
});

describe('kit rpc transports compared', () => {
  it('gives byte-identical answers on both transports for the same request', async () => {
    const request = { text: 'same', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) };
    const [viaGrpc, viaNats] = await Promise.all([clients.grpc.echo(request), clients.nats.echo(request)]);
    expect({ ...viaGrpc, transport: '', traceId: '' }).toEqual({ ...viaNats, transport: '', traceId: '' });
  });

  it('streams over gRPC and refuses streaming over NATS with UNIMPLEMENTED', async () => {
    const values: number[] = [];
    for await (const item of clients.grpc.count({ n: 5, failAfter: 0, intervalMs: 0 })) values.push(item.value);
    expect(values).toEqual([1, 2, 3, 4, 5]);
    const error = await rejection(
      (async () => {
        for await (const _ of clients.nats.count({ n: 1, failAfter: 0, intervalMs: 0 })) void _;
      })(),
    );
    expect(error.status).toBe(Status.UNIMPLEMENTED);
  });

  it('answers UNAVAILABLE over NATS when no replica serves the method', async () => {
    const orphan = createNatsRpcClient(nc, EchoServiceService, { domain: uniqueName('nobody') });
    const error = await rejection(orphan.lookup({ key: 'x' }));
    expect(error.status).toBe(Status.UNAVAILABLE);
  });

  it('answers INVALID_ARGUMENT over NATS to bytes that are not the request message', async () => {
    const reply = await nc.request(`parley.rpc.${domain}.Lookup`, Buffer.from([0xff, 0xff, 0xff]), { timeout: 2_000 });
    expect(reply.headers?.get('Parley-Status')).toBe(String(Status.INVALID_ARGUMENT));
  });
});
