// A whole service host: ops HTTP routes, gRPC health and reflection, both transports, graceful stop.
import { createRequire } from 'node:module';
import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  baseServiceConfigSchema,
  closeNats,
  connectNats,
  createGrpcRpcClient,
  createLogger,
  createNatsRpcClient,
  loadConfig,
  ServiceHost,
  type NatsConnection,
} from '../../src/index.js';
import { createTestEventStreams, testNatsUrl, uniqueName, type TestEventStreams } from '../../src/testing/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from '../support/echo-handlers.js';

const service = uniqueName('hostsvc');
let host: ServiceHost;
let streams: TestEventStreams;
let ports: { grpcPort: number; httpPort: number };
let admin: NatsConnection;

beforeAll(async () => {
  const config = loadConfig(baseServiceConfigSchema, {
    NATS_URL: testNatsUrl,
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PARLEY_SITE: 'waw',
  });
  // The host creates its event streams; point it at throw-away ones.
  admin = await connectNats({
    servers: [testNatsUrl],
    name: 'kit-host-test-admin',
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  streams = await createTestEventStreams(await jetstreamManager(admin));
  host = await ServiceHost.start({
    service,
    config,
    grpcPort: 0,
    httpPort: 0,
    eventStreams: streams.config,
    handleSignals: false,
  });
  host.serve(EchoServiceService, createEchoHandlers('host'));
  ports = await host.listen();
});

afterAll(async () => {
  await host?.stop();
  await streams?.remove();
  await closeNats(admin);
});

const http = (path: string) => fetch(`http://127.0.0.1:${ports.httpPort}${path}`);

function grpcHealth(serviceName: string): Promise<string> {
  const Health = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');
  const client = new Health(`127.0.0.1:${ports.grpcPort}`, credentials.createInsecure()) as Client &
    Record<string, (...args: unknown[]) => void>;
  return new Promise((resolve, reject) =>
    client.check!({ service: serviceName }, (error: ServiceError | null, response: { status: string }) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    }),
  );
}

describe('kit service host', () => {
  it('answers /healthz and a ready /readyz with its checks', async () => {
    expect((await http('/healthz')).status).toBe(200);
    const ready = await http('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { accepting: true, nats: true } });
    expect((await http('/nope')).status).toBe(404);
  });

  it('serves the contract over gRPC and over NATS under its service name', async () => {
    const request = { text: 'both', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) };
    const grpc = createGrpcRpcClient(`127.0.0.1:${ports.grpcPort}`, EchoServiceService);
    const viaGrpc = await grpc.client.echo(request);
    grpc.close();
    const viaNats = await createNatsRpcClient(host.nc, EchoServiceService, { domain: service }).echo(request);
    expect(viaGrpc.text).toBe('both');
    expect(viaNats.text).toBe('both');
  });

  it('exposes RPC metrics in Prometheus format', async () => {
    const request = { text: 'metered', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) };
    const grpc = createGrpcRpcClient(`127.0.0.1:${ports.grpcPort}`, EchoServiceService);
    await grpc.client.echo(request);
    grpc.close();
    await createNatsRpcClient(host.nc, EchoServiceService, { domain: service }).echo(request);
    const body = await (await http('/metrics')).text();
    for (const transport of ['grpc', 'nats']) {
      expect(body).toMatch(
        new RegExp(
          `rpc_server_duration_count\\{transport="${transport}",method="/parley\\.kittest\\.v1\\.EchoService/Echo",status="OK"[^}]*\\} [1-9]\\d*`,
        ),
      );
    }
    expect(body).toContain('le="0.5"'); // sub-millisecond buckets, not the SDK's 5 ms first bucket
  });

  it('reports SERVING on the standard gRPC health service, overall and per service', async () => {
    expect(await grpcHealth('')).toBe('SERVING');
    expect(await grpcHealth('parley.kittest.v1.EchoService')).toBe('SERVING');
  });

  it('lists Parley contracts through server reflection', async () => {
    const require = createRequire(import.meta.url);
    const reflectionProto = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
    const loaded = loadPackageDefinition(loadSync(reflectionProto)) as unknown as {
      grpc: {
        reflection: {
          v1: {
            ServerReflection: new (
              address: string,
              creds: ReturnType<typeof credentials.createInsecure>,
            ) => Client & { serverReflectionInfo(): NodeJS.ReadWriteStream & { write(m: unknown): void } };
          };
        };
      };
    };
    const client = new loaded.grpc.reflection.v1.ServerReflection(
      `127.0.0.1:${ports.grpcPort}`,
      credentials.createInsecure(),
    );
    const stream = client.serverReflectionInfo();
    const reply = await new Promise<{ listServicesResponse: { service: { name: string }[] } }>((resolve, reject) => {
      stream.on('data', resolve);
      stream.on('error', reject);
      stream.write({ listServices: '' });
    });
    stream.end();
    client.close();
    const names = reply.listServicesResponse.service.map((s) => s.name);
    for (const contract of [
      'parley.routing.v1.RoutingService',
      'parley.history.v1.HistoryService',
      'parley.media.v1.MediaService',
    ]) {
      expect(names).toContain(contract);
    }
  });

  it('stops gracefully: not ready, NOT_SERVING, then closed', async () => {
    await host.stop();
    await expect(http('/readyz')).rejects.toThrow();
    await expect(grpcHealth('')).rejects.toMatchObject({ code: 14 });
    expect(host.nc.isClosed()).toBe(true);
  });
});
