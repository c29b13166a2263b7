// The service's PostgreSQL pool. A connection the server drops (restart, failover, admin kill) makes pg emit
// 'error' — on the pool for an idle connection, on the client itself while it is checked out or being closed — and
// an 'error' nobody listens to crashes the process: log it; the failing query reports its own error, and the next
// query reconnects.
import type { Logger } from '@parley/kit';
import pg from 'pg';

export function createDatabasePool(url: string, logger: Logger, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost; it will be replaced'));
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost'));
  });
  return pool;
}
