// Reads an export's interactions oldest first through a server-side cursor on a connection of its own, a chunk at
// a time, inside one read-only snapshot: memory stays bounded by the chunk whatever the range holds, and the rows
// are consistent with each other.
import pg from 'pg';
import Cursor from 'pg-cursor';
import { filterClause, summaryColumns, type InteractionFilterQuery } from './search-query.js';
import type { TimelineRow } from './timeline-query.js';

export async function* exportRows(
  url: string,
  query: InteractionFilterQuery,
  customerIds: readonly string[] | undefined,
  chunkSize = 500,
): AsyncGenerator<TimelineRow[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // a dropped connection fails the pending read, which ends the export
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const filter = filterClause(query, customerIds);
    const cursor = client.query(
      new Cursor<TimelineRow>(
        `SELECT ${summaryColumns} FROM interactions i WHERE ${filter.where} ORDER BY created_at, id`,
        filter.params,
      ),
    );
    for (;;) {
      const rows = await cursor.read(chunkSize);
      if (rows.length === 0) break;
      yield rows;
    }
    await cursor.close();
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}
