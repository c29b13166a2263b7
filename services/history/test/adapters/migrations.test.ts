// The history schema's migrations on the real PostgreSQL: they apply to an empty database (full-text search on
// message bodies included), are not applied twice even by runners racing each other, revert with down.sql and
// apply again, and refuse to run over an applied migration whose SQL has changed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { MigrationError, migrateDown, migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';

const migrations = readMigrations();
let database: TestDatabase;
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  clients.push(client);
  return client;
}

async function tables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return rows.map((row) => row.tablename);
}

beforeAll(async () => {
  database = await createTestDatabase('history_migrations');
});

afterAll(async () => {
  for (const client of clients) await client.end().catch(() => undefined);
  await database.drop();
});

describe('history migrations', () => {
  it('apply once to an empty database, even with two runners racing', async () => {
    expect(migrations.length).toBeGreaterThan(0);
    const [first, second] = await Promise.all([connect(), connect()]);
    const results = await Promise.all([migrateUp(first, migrations), migrateUp(second, migrations)]);
    expect(results.flat()).toEqual(migrations.map((migration) => migration.name)); // each applied by one runner
    expect(await tables(first)).toEqual([
      '_parley_migrations',
      'agent_notes',
      'audit_entries',
      'customer_identities',
      'customers',
      'dispositions',
      'event_log',
      'ingest_checkpoints',
      'interactions',
      'messages',
      'recording_refs',
      'segment_marks',
      'segments',
    ]);
    expect(await migrateUp(first, migrations)).toEqual([]);
  });

  it('make message bodies searchable with PostgreSQL full-text search', async () => {
    const client = await connect();
    await client.query(
      `INSERT INTO interactions (id, channel, state, created_at, last_event_at) VALUES ('i1', 'chat', 'ended', now(), now())`,
    );
    await client.query(
      `INSERT INTO messages (id, interaction_id, sender_kind, body, sent_at) VALUES
        ('m1', 'i1', 'customer', 'My parcel never arrived at the Warsaw address', now()),
        ('m2', 'i1', 'agent', 'Sorry to hear that', now())`,
    );
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM messages WHERE search_vector @@ plainto_tsquery('simple', 'parcel warsaw')`,
    );
    expect(rows.map((row) => row.id)).toEqual(['m1']);
  });

  it('revert with down.sql and apply again', async () => {
    const client = await connect();
    expect(await migrateDown(client, migrations, migrations.length)).toEqual(
      migrations.map((migration) => migration.name).reverse(),
    );
    expect(await tables(client)).toEqual(['_parley_migrations']);
    expect(await migrateUp(client, migrations)).toEqual(migrations.map((migration) => migration.name));
    expect(await tables(client)).toContain('interactions');
  });

  it('refuse to run over an applied migration whose SQL changed', async () => {
    const client = await connect();
    const changed = migrations.map((migration, i) =>
      i === 0 ? { ...migration, checksum: 'edited-after-it-was-applied' } : migration,
    );
    await expect(migrateUp(client, changed)).rejects.toBeInstanceOf(MigrationError);
  });
});
