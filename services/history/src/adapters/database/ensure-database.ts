// Creates the service's database when it does not exist yet (first start of the local runner, a fresh cluster),
// connecting to the server's maintenance database "postgres" with the same credentials.
import pg from 'pg';

export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits and _`);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    // Two starters racing: the loser's CREATE fails with duplicate_database (42P04), which is fine.
    if (!rowCount)
      await admin.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
  } finally {
    await admin.end();
  }
}
