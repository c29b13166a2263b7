// One replica of the history service ingests at a time: the one holding a PostgreSQL session advisory lock on a
// connection of its own. The others poll for it; when the holder dies (or its connection does), PostgreSQL releases
// the lock and a standby takes over. Two replicas briefly both ingesting (a holder that has not noticed its loss)
// is harmless: the event log applies each event once.
import type { Logger } from '@parley/kit';
import pg from 'pg';

// "hising" in ASCII: any constant every replica shares.
const ingestLockKey = 0x68_69_73_69_6e_67;

export class IngestLeadership {
  private client: pg.Client | undefined;
  private lost: (() => void) | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  /** Resolves once this replica holds the lock; `onLost` runs if it is lost later. False if `signal` aborted first. */
  async acquire(signal: AbortSignal, onLost: () => void): Promise<boolean> {
    while (!signal.aborted) {
      const client = new pg.Client({ connectionString: this.databaseUrl });
      client.on('error', () => this.release(true));
      try {
        await client.connect();
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
          ingestLockKey,
        ]);
        if (rows[0]?.locked) {
          this.client = client;
          this.lost = onLost;
          client.on('end', () => this.release(true));
          return true;
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'ingest leadership: database unreachable; retrying');
      }
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
    return false;
  }

  /** Gives the lock up (closing its connection releases it); `unexpected` tells the ingest to stop. */
  release(unexpected = false): void {
    const client = this.client;
    const lost = this.lost;
    this.client = undefined;
    this.lost = undefined;
    if (!client) return;
    if (unexpected) {
      this.logger.warn('ingest leadership lost (its database connection ended)');
      lost?.();
    }
    void client.end().catch(() => undefined);
  }
}
