// ExportInteractions: one message per interaction of a time range, oldest first, streamed as the cursor reads them
// (the kit's gRPC server waits for the caller to drain, so a slow reader slows the export instead of filling
// memory). Concurrent exports are capped: each holds a database connection and a snapshot for its whole run.
import type { ExportInteractionsRequest, ExportInteractionsResponse } from '@parley/protos/parley/history/v1/history';
import type pg from 'pg';
import { exportRows } from '../adapters/database/export-cursor.js';
import type { HistoryPrisma } from '../adapters/database/prisma.js';
import { contentOf } from '../adapters/database/record-content.js';
import { segmentsOf } from '../adapters/database/segment-query.js';
import { resolveCustomers } from '../adapters/database/timeline-query.js';
import { toMessage, toNote } from './content-mapper.js';
import { tooManyExports } from './errors.js';
import { validateSearchRequest } from './search-request.js';
import { toSegments } from './segment-mapper.js';
import { toSummary } from './summary-mapper.js';

export interface ExportLimits {
  maxConcurrent: number;
  /** Interactions read (and their segments fetched) per round trip. */
  chunkSize: number;
}

export function createExportStream(deps: {
  pool: pg.Pool;
  prisma: HistoryPrisma;
  databaseUrl: string;
  exports: ExportLimits;
}) {
  let running = 0;
  return async function* exportInteractions(
    request: ExportInteractionsRequest,
  ): AsyncGenerator<ExportInteractionsResponse> {
    // The filter is the search's; an export has no pages.
    const query = validateSearchRequest({ filter: request.filter }, new Date());
    if (running >= deps.exports.maxConcurrent) throw tooManyExports(deps.exports.maxConcurrent);
    running++;
    try {
      const customers = query.customer ? await resolveCustomers(deps.pool, query.customer) : undefined;
      if (customers && customers.length === 0) return;
      const customerIds = customers?.map((customer) => customer.id);
      for await (const rows of exportRows(deps.databaseUrl, query, customerIds, deps.exports.chunkSize)) {
        const ids = rows.map((row) => row.id);
        const [segments, content] = await Promise.all([
          segmentsOf(deps.pool, ids),
          request.includeContent ? contentOf(deps.prisma, ids) : undefined,
        ]);
        for (const row of rows)
          yield {
            interaction: toSummary(row),
            segments: toSegments(segments.get(row.id) ?? [], row.state),
            messages: (content?.messages.get(row.id) ?? []).map(toMessage),
            notes: (content?.notes.get(row.id) ?? []).map(toNote),
          };
      }
    } finally {
      running--;
    }
  };
}
