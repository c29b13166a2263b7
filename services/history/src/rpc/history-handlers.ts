// The parley.history.v1 contract: the queries here, the commands in record-commands.ts, the export in
// export-stream.ts.
import type { ContractHandlers } from '@parley/kit';
import type { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import { customerIdentities, interactionContent } from '../adapters/database/record-content.js';
import { searchPage } from '../adapters/database/search-query.js';
import { interactionSegments } from '../adapters/database/segment-query.js';
import {
  interactionRow,
  lastAgentContact,
  openInteractions,
  resolveCustomers,
  timelinePage,
  type TimelineCustomer,
} from '../adapters/database/timeline-query.js';
import { toCustomer, toDisposition, toMessage, toNote, toRecording } from './content-mapper.js';
import { customerNotFound, interactionNotFound, invalidArgument } from './errors.js';
import { createExportStream, type ExportLimits } from './export-stream.js';
import { createRecordCommands, type RecordCommandsDeps } from './record-commands.js';
import { toSummary } from './summary-mapper.js';
import { validateScreenPopRequest } from './screen-pop-request.js';
import { validateSearchRequest } from './search-request.js';
import { toSegments } from './segment-mapper.js';
import { encodePageToken, validateTimelineRequest } from './timeline-request.js';

export type HistoryHandlers = ContractHandlers<typeof HistoryServiceService>;

export interface HistoryHandlerDeps extends RecordCommandsDeps {
  /** History's database URL: each export reads through a connection of its own. */
  databaseUrl: string;
  exports: ExportLimits;
}

export function createHistoryHandlers(deps: HistoryHandlerDeps): HistoryHandlers {
  const { pool: db, prisma } = deps;
  const commands = createRecordCommands(deps);
  const customerMessage = async (customer: TimelineCustomer) =>
    toCustomer(customer, await customerIdentities(prisma, customer.id));
  return {
    async getCustomerTimeline(request) {
      const query = validateTimelineRequest(request);
      const found = await resolveCustomers(db, query.lookup);
      const customer = found[0]; // an identity shared by several records answers with the first, and all their work
      if (!customer)
        throw customerNotFound('customerId' in query.lookup ? `id ${query.lookup.customerId}` : 'that identity');
      // The page and the customer's identities at once: one round trip of latency instead of two.
      const [page, customerReply] = await Promise.all([
        timelinePage(
          db,
          found.map((c) => c.id),
          query,
        ),
        customerMessage(customer),
      ]);
      const last = page.rows.at(-1);
      return {
        customer: customerReply,
        interactions: page.rows.map(toSummary),
        pageInfo: {
          nextPageToken: page.more && last ? encodePageToken(query.fingerprint, last.created_at, last.id) : '',
          totalSize: 0,
        },
      };
    },
    async getInteraction(request) {
      if (!request.interactionId) throw invalidArgument([{ field: 'interaction_id', description: 'is required' }]);
      const row = await interactionRow(db, request.interactionId);
      if (!row) throw interactionNotFound(request.interactionId);
      const [segments, content] = await Promise.all([
        interactionSegments(db, row.id),
        interactionContent(prisma, row.id),
      ]);
      return {
        interaction: {
          summary: toSummary(row),
          segments: toSegments(segments, row.state),
          messages: content.messages.map(toMessage),
          notes: content.notes.map(toNote),
          recordings: content.recordings.map(toRecording),
          ...(content.disposition ? { disposition: toDisposition(content.disposition) } : {}),
        },
      };
    },
    async searchInteractions(request) {
      const query = validateSearchRequest(request, new Date());
      // A customer filter spans every record the identity links to (and their merged records).
      const customers = query.customer ? await resolveCustomers(db, query.customer) : undefined;
      const page =
        customers && customers.length === 0
          ? { rows: [], more: false }
          : await searchPage(
              db,
              query,
              customers?.map((c) => c.id),
            );
      const last = page.rows.at(-1);
      return {
        hits: page.rows.map((row) => ({ interaction: toSummary(row), snippet: '' })),
        pageInfo: {
          nextPageToken: page.more && last ? encodePageToken(query.fingerprint, last.created_at, last.id) : '',
          totalSize: 0,
        },
      };
    },
    async getScreenPopContext(request) {
      const query = validateScreenPopRequest(request);
      let customers: TimelineCustomer[] = [];
      for (const lookup of query.lookups) {
        customers = await resolveCustomers(db, lookup);
        if (customers.length > 0) break;
      }
      const customer = customers[0];
      // An unknown caller is not an error: the agent simply gets no history.
      if (!customer) return { recent: [], open: [], lastAgentId: '' };
      const ids = customers.map((c) => c.id);
      const page = await timelinePage(db, ids, { channels: [], pageSize: query.recent + 1, after: undefined });
      const recent = page.rows.filter((row) => row.id !== query.exceptId).slice(0, query.recent);
      const open = await openInteractions(db, ids, query.exceptId, query.recent);
      const last = await lastAgentContact(db, ids, query.exceptId);
      return {
        customer: await customerMessage(customer),
        recent: recent.map(toSummary),
        open: open.map(toSummary),
        lastAgentId: last?.agentId ?? '',
        ...(last ? { lastAgentContactAt: last.at } : {}),
      };
    },
    addNote: (request) => commands.addNote(request),
    setDisposition: (request) => commands.setDisposition(request),
    mergeCustomers: (request) => commands.mergeCustomers(request),
    eraseCustomer: (request) => commands.eraseCustomer(request),
    exportInteractions: createExportStream(deps),
  };
}
