// The history service beside an API test stack, in a PostgreSQL database of its own (dropped afterwards), reading
// the stack's event streams and answering on the stack's history domain.
import { loadHistoryConfig } from '@parley/history/config';
import { startHistoryService } from '@parley/history/service';
import { testDatabaseAdminUrl, uniqueName } from '@parley/kit/testing';
import pg from 'pg';
import { type ApiStack, serviceEnvironment } from './api-stack.js';

export interface StackHistory {
  /** Stops the service (a test may do this to see history unreachable); idempotent. */
  stop(): Promise<void>;
  /** Stops the service and drops its database. */
  close(): Promise<void>;
}

export async function startStackHistory(stack: ApiStack, name: string): Promise<StackHistory> {
  const databaseName = uniqueName(name).replace(/-/g, '_').toLowerCase();
  const service = await startHistoryService({
    config: loadHistoryConfig({
      ...serviceEnvironment(),
      DATABASE_URL: testDatabaseAdminUrl,
      HISTORY_DATABASE_NAME: databaseName,
      HISTORY_RPC_DOMAIN: stack.domains.history,
    }),
    eventStreams: stack.streams.config,
    handleSignals: false,
  });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= service.stop().then(() => undefined));
  return {
    stop,
    close: async () => {
      await stop();
      const admin = new pg.Client({ connectionString: testDatabaseAdminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
