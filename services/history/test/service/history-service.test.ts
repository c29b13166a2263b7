// The history service as a process would run it: it creates and migrates its own database, consumes the event
// stream, the events' interactions appear in PostgreSQL, its contract answers over NATS and gRPC (the export
// streamed); stopping it closes everything.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeNats,
  connectNats,
  createGrpcRpcClient,
  createLogger,
  createNatsRpcClient,
  publishToStream,
  Status,
  type NatsConnection,
} from '@parley/kit';
import {
  createTestEventStreams,
  testDatabaseAdminUrl,
  testNatsUrl,
  uniqueName,
  waitFor,
  type TestEventStreams,
} from '@parley/kit/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  AddNoteRequest,
  ExportInteractionsRequest,
  HistoryServiceService,
} from '@parley/protos/parley/history/v1/history';
import { ulid } from 'ulid';
import { loadHistoryConfig } from '../../src/config.js';
import { startHistoryService } from '../../src/history-service.js';
import { generateEventStream } from '../support/event-stream.js';

const logger = createLogger({ service: 'history-service-test', level: 'silent' });
const databaseName = uniqueName('history_service').replace(/-/g, '_').toLowerCase();
let nc: NatsConnection;
let streams: TestEventStreams;
let admin: pg.Client;

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'history-service-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  admin = new pg.Client({ connectionString: testDatabaseAdminUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
  await streams.remove();
  await closeNats(nc);
});

describe('history service', () => {
  it('migrates its database on start-up and records the events it consumes', async () => {
    const config = loadHistoryConfig({
      NATS_URL: testNatsUrl,
      DATABASE_URL: testDatabaseAdminUrl,
      HISTORY_DATABASE_NAME: databaseName,
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      GRPC_HOST: '127.0.0.1',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
    const service = await startHistoryService({ config, eventStreams: streams.config, handleSignals: false });
    try {
      const events = generateEventStream(300, 5);
      for (const payload of events.payloads) {
        const envelope = Envelope.decode(payload);
        await publishToStream(nc, `${streams.config.subjectPrefix}.${envelope.site}.${envelope.type}`, payload, {
          msgID: envelope.id,
        });
      }
      await waitFor(
        async () =>
          Number((await service.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_log')).rows[0]?.n) ===
          events.payloads.length,
        { timeoutMs: 15_000, description: 'every event to be recorded' },
      );
      const { rows } = await service.pool.query<{ n: string }>('SELECT count(*) AS n FROM interactions');
      expect(Number(rows[0]?.n)).toBe(events.interactions);

      // The contract over both transports: a note over NATS, the streamed export over gRPC.
      const interactionId = 'int-3';
      const overNats = createNatsRpcClient(nc, HistoryServiceService, { domain: 'history' });
      const noteId = ulid();
      const { note } = await overNats.addNote(
        AddNoteRequest.fromPartial({
          interactionId,
          noteId,
          text: 'Called about the invoice',
          author: { kind: ActorKind.ACTOR_KIND_AGENT, id: 'a1' },
        }),
      );
      expect(note?.id).toBe(noteId);
      const grpc = createGrpcRpcClient(`127.0.0.1:${service.ports.grpcPort}`, HistoryServiceService);
      try {
        const exported: string[] = [];
        for await (const row of grpc.client.exportInteractions(
          ExportInteractionsRequest.fromPartial({
            filter: { timeRange: { start: new Date('2026-01-01'), end: new Date('2027-01-01') } },
            includeContent: true,
          }),
        ))
          exported.push(row.interaction?.interaction?.id ?? '');
        expect(exported).toHaveLength(events.interactions);
        await expect(
          grpc.client.exportInteractions(ExportInteractionsRequest.fromPartial({}))[Symbol.asyncIterator]().next(),
        ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT });
      } finally {
        grpc.close();
      }
    } finally {
      await service.stop();
    }
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    expect(rows).toHaveLength(1); // created by the service itself
  });
});
