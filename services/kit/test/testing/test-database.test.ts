// The harness's throw-away database: a real, empty PostgreSQL database that is gone after drop().
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseAdminUrl } from '../../src/testing/index.js';

async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: testDatabaseAdminUrl });
  await admin.connect();
  try {
    const result = await admin.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('kit test harness database', () => {
  it('creates an empty database per call and drops it even with a connection still open', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    expect(first.name).not.toBe(second.name);

    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query('create table t (id int primary key)');
    await client.query('insert into t values (1)');
    expect((await client.query('select count(*)::int as n from t')).rows[0]).toEqual({ n: 1 });
    client.on('error', () => undefined); // the forced drop terminates this session

    await first.drop();
    await second.drop();
    expect(await databaseExists(first.name)).toBe(false);
    expect(await databaseExists(second.name)).toBe(false);
    await client.end().catch(() => undefined);
  });
});
