// The service's PostgreSQL pool. An idle connection the server drops (restart, failover, admin kill) makes pg emit
// 'error' on the pool, which would crash the process if nobody listened: log it; the next query reconnects.
import type { Logger } from '@parley/kit';
import pg from 'pg';

export function createDatabasePool(url: string, logger: Logger, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost; it will be replaced'));
  return pool;
}
