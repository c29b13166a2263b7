// What goes wrong on the wire must come back as a clear status, never a hang, a crash or a deaf connection.
import { headers as natsHeaders } from '@nats-io/transport-node';
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
} from '../../src/index.js';
import { testNatsUrl, uniqueName, waitFor } from '../../src/testing/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from '../support/echo-handlers.js';
import { testLogger } from '../support/quiet-logger.js';

const domain = uniqueName('failures');
const finishedCounts: number[] = [];
let nc: NatsConnection;
let natsServer: NatsRpcServer;
let grpcServer: GrpcRpcServer;
let grpc: ReturnType<typeof createGrpcRpcClient<typeof EchoServiceService>>;

const echo = (text: string) => ({ text, delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) });

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'kit-failures-test', logger: testLogger });
  const handlers = createEchoHandlers('f', undefined, { countFinished: (produced) => finishedCounts.push(produced) });
  natsServer = new NatsRpcServer(nc, testLogger);
  natsServer.serve(EchoServiceService, handlers, { domain });
  grpcServer = new GrpcRpcServer({ logger: testLogger });
  grpcServer.serve(EchoServiceService, handlers);
  const port = await grpcServer.listen('127.0.0.1', 0);
  grpc = createGrpcRpcClient(`127.0.0.1:${port}`, EchoServiceService);
});

afterAll(async () => {
  grpc?.close();
  await grpcServer?.close(500);
  await natsServer?.close();
  await closeNats(nc);
});

describe('kit rpc failure paths', () => {
  it('answers a request with malformed headers with INVALID_ARGUMENT and keeps serving', async () => {
    // A header line without a valid name: nats.js throws when the headers are first read.
    const reply = await nc.request(`parley.rpc.${domain}.Echo`, new Uint8Array(), {
      timeout: 2_000,
      headers: Object.assign(natsHeaders(), {
        encode: () => new TextEncoder().encode('NATS/1.0\r\nbad key: x\r\n\r\n'),
      }),
    });
    expect(reply.headers?.get('Parley-Status')).toBe(String(Status.INVALID_ARGUMENT));
    const client = createNatsRpcClient(nc, EchoServiceService, { domain });
    expect((await client.echo(echo('still here'))).text).toBe('still here');
  });

  it.each(['grpc', 'nats'] as const)(
    'answers INTERNAL over %s when the handler returns an unencodable response',
    async (transport) => {
      const client = transport === 'grpc' ? grpc.client : createNatsRpcClient(nc, EchoServiceService, { domain });
      const started = Date.now();
      const error = await client.echo(echo('fraction'), { timeoutMs: 3_000 }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).status).toBe(Status.INTERNAL);
      expect(Date.now() - started).toBeLessThan(2_000);
    },
  );

  it('rejects a request the codec cannot encode with INVALID_ARGUMENT, before sending it', async () => {
    const client = createNatsRpcClient(nc, EchoServiceService, { domain });
    const error = await client.echo({ ...echo('x'), delayMs: 1.5 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).status).toBe(Status.INVALID_ARGUMENT);
    expect((error as RpcError).code).toBe('PARLEY_KIT_RPC_ENCODE_FAILED');
  });

  it('refuses a request larger than NATS accepts with RESOURCE_EXHAUSTED, not a retryable status', async () => {
    const client = createNatsRpcClient(nc, EchoServiceService, { domain });
    const huge = { ...echo('big'), padding: Buffer.alloc(nc.info!.max_payload + 1) };
    const error = await client.echo(huge).catch((thrown: unknown) => thrown);
    expect((error as RpcError).status).toBe(Status.RESOURCE_EXHAUSTED);
  });

  it('delivers the items a stream produced before its error, then the error status', async () => {
    const received: number[] = [];
    const error = await (async () => {
      for await (const item of grpc.client.count({ n: 5, failAfter: 2, intervalMs: 0 })) received.push(item.value);
    })().catch((thrown: unknown) => thrown);
    expect(received).toEqual([1, 2]);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).status).toBe(Status.NOT_FOUND);
    expect((error as RpcError).code).toBe('PARLEY_KITTEST_COUNT_FAILED');
  });

  it('stops the server-side stream when the caller leaves the loop early', async () => {
    finishedCounts.length = 0;
    for await (const item of grpc.client.count({ n: 1_000, failAfter: 0, intervalMs: 5 })) {
      if (item.value === 3) break;
    }
    const produced = await waitFor(() => finishedCounts[0], { timeoutMs: 3_000, description: 'the handler to end' });
    expect(produced).toBeLessThan(50);
  });
});
