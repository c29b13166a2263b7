// Runs the retention policy every N minutes inside the service. Every replica schedules it; the advisory lock in
// runRetention lets one of them do the work. A failed run is logged and retried at the next tick.
import type { Logger } from '@parley/kit';
import type pg from 'pg';
import { runRetention, type RetentionPolicy } from './database/retention.js';

export function scheduleRetention(pool: pg.Pool, policy: RetentionPolicy, intervalMinutes: number, logger: Logger) {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return; // the previous run is still going
    running = runRetention(pool, policy, new Date())
      .then((outcome) => {
        if (outcome.ran) logger.info({ counts: outcome.counts, auditId: outcome.auditId }, 'retention run');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'retention run failed; retrying at the next interval'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMinutes * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
