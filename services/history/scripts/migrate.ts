// `pnpm --filter @parley/history db:migrate` applies pending migrations to history's database on DATABASE_URL's
// server (HISTORY_DATABASE_NAME, created if it does not exist yet); `db:migrate:down [steps]` reverts the latest
// ones (development only: it drops data).
import pg from 'pg';
import { migrateDown, migrateUp, readMigrations } from '../src/adapters/database/migrations.js';
import { ensureDatabase } from '../src/adapters/database/ensure-database.js';
import { historyDatabaseUrl, loadHistoryConfig } from '../src/config.js';

const [direction = 'up', stepsArgument = '1'] = process.argv.slice(2);
const steps = Number(stepsArgument);
if ((direction !== 'up' && direction !== 'down') || !Number.isInteger(steps) || steps < 1) {
  process.stderr.write('usage: migrate.ts up | migrate.ts down [steps: a whole number ≥ 1, default 1]\n');
  process.exit(2);
}
const DATABASE_URL = historyDatabaseUrl(loadHistoryConfig());
await ensureDatabase(DATABASE_URL);
const client = new pg.Client({ connectionString: DATABASE_URL });
await client.connect();
try {
  const migrations = readMigrations();
  const names =
    direction === 'down' ? await migrateDown(client, migrations, steps) : await migrateUp(client, migrations);
  process.stdout.write(
    names.length === 0 ? 'nothing to do\n' : `${direction === 'down' ? 'reverted' : 'applied'}: ${names.join(', ')}\n`,
  );
} finally {
  await client.end();
}
