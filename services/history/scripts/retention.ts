// `pnpm --filter @parley/history retention` runs the retention policy once (HISTORY_RETAIN_CONTENT_DAYS,
// HISTORY_RETAIN_METADATA_DAYS) against history's database — for a Kubernetes CronJob, with the in-service schedule
// off (HISTORY_RETENTION_INTERVAL_MINUTES=0). Prints what it removed; the run is in the audit log too.
import pg from 'pg';
import { runRetention } from '../src/adapters/database/retention.js';
import { historyDatabaseUrl, loadHistoryConfig, retentionPolicyOf } from '../src/config.js';

const config = loadHistoryConfig();
const pool = new pg.Pool({ connectionString: historyDatabaseUrl(config), max: 2 });
try {
  const outcome = await runRetention(pool, retentionPolicyOf(config), new Date(), 'system:retention-job');
  process.stdout.write(
    outcome.ran
      ? `retention removed ${JSON.stringify(outcome.counts)} (audit ${outcome.auditId})\n`
      : 'retention is running elsewhere; nothing done\n',
  );
} finally {
  await pool.end();
}
