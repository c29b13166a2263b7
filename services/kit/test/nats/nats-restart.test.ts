// A NATS crash and restart: connections come back by themselves, RPC resumes, and stored events are not lost.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  closeNats,
  connectNats,
  createNatsRpcClient,
  defaultEventStreams,
  DurableEventConsumer,
  ensureEventStreams,
  EventPublisher,
  NatsRpcServer,
  RpcError,
  Status,
  type NatsConnection,
} from '../../src/index.js';
import { startPrivateNatsServer, waitFor, type PrivateNatsServer } from '../../src/testing/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from '../support/echo-handlers.js';
import { testLogger } from '../support/quiet-logger.js';

let nats: PrivateNatsServer;
let serverSide: NatsConnection;
let clientSide: NatsConnection;

beforeAll(async () => {
  nats = await startPrivateNatsServer();
  serverSide = await connectNats({ servers: [nats.url], name: 'restart-server', logger: testLogger });
  clientSide = await connectNats({ servers: [nats.url], name: 'restart-client', logger: testLogger });
});

afterAll(async () => {
  await closeNats(clientSide).catch(() => undefined);
  await closeNats(serverSide).catch(() => undefined);
  await nats.dispose();
});

const echo = { text: 'again', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) };

describe('kit across a NATS restart', () => {
  it('serves RPC again once NATS is back, without restarting the service', async () => {
    const server = new NatsRpcServer(serverSide, testLogger);
    server.serve(EchoServiceService, createEchoHandlers('survivor'), { domain: 'restart' });
    // The subscription travels on the server's connection, the request on the client's: make sure NATS has it.
    await serverSide.flush();
    const client = createNatsRpcClient(clientSide, EchoServiceService, { domain: 'restart', defaultTimeoutMs: 500 });
    expect((await client.echo(echo)).text).toBe('again');

    await nats.kill();
    const duringOutage = await client.echo(echo).catch((thrown: RpcError) => thrown);
    expect(duringOutage).toBeInstanceOf(RpcError);
    expect([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]).toContain((duringOutage as RpcError).status);
    await nats.restart();

    const answer = await waitFor(() => client.echo(echo).catch(() => undefined), {
      timeoutMs: 15_000,
      description: 'RPC after the restart',
    });
    expect(answer.replicaId).toBe('survivor');
    await server.close();
  });

  it('keeps a running durable consumer consuming across the crash, losing no event', async () => {
    const jsReady = () =>
      jetstreamManager(serverSide)
        .then((jsm) => jsm.getAccountInfo().then(() => jsm))
        .catch(() => undefined);
    const jsm = await waitFor(jsReady, { timeoutMs: 15_000, description: 'JetStream after the first restart' });
    await ensureEventStreams(jsm, defaultEventStreams);
    const seen = new Set<string>();
    const consumer = await DurableEventConsumer.start({
      js: jetstream(serverSide),
      jsm,
      name: 'restart-check',
      logger: testLogger,
      handler: async (envelope) => {
        seen.add(envelope.id);
      },
    });
    const publisher = new EventPublisher(jetstream(clientSide));
    const event = () =>
      Envelope.fromPartial({ id: ulid(), type: 'interaction.created', site: 'waw', occurredAt: new Date() });
    const before = Array.from({ length: 50 }, event);
    await publisher.publishAll(before);
    await waitFor(() => seen.size === 50, { description: 'events before the crash' });

    await nats.kill();
    await nats.restart();

    const after = Array.from({ length: 20 }, event);
    await waitFor(
      () =>
        publisher
          .publishAll(after)
          .then(() => true)
          .catch(() => false),
      { timeoutMs: 15_000, description: 'publishing after the restart' },
    );
    await waitFor(() => seen.size === 70, {
      timeoutMs: 20_000,
      description: 'events after the restart, by the same consumer',
    });
    await consumer.close();
    expect([...before, ...after].every((e) => seen.has(e.id))).toBe(true);
  });
});
