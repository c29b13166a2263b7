// The parley.history.v1 contract. GetCustomerTimeline, GetInteraction and SearchInteractions are served; the
// other calls answer UNIMPLEMENTED until they are built (README, "State").
import type { ContractHandlers } from '@parley/kit';
import type { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import type pg from 'pg';
import { searchPage } from '../adapters/database/search-query.js';
import { interactionRow, resolveCustomers, timelinePage } from '../adapters/database/timeline-query.js';
import { customerNotFound, interactionNotFound, invalidArgument, notImplementedYet } from './errors.js';
import { toSummary } from './summary-mapper.js';
import { validateSearchRequest } from './search-request.js';
import { encodePageToken, validateTimelineRequest } from './timeline-request.js';

export type HistoryHandlers = ContractHandlers<typeof HistoryServiceService>;

export function createHistoryHandlers(db: pg.Pool): HistoryHandlers {
  const later = (method: string) => () => Promise.reject(notImplementedYet(method));
  return {
    async getCustomerTimeline(request) {
      const query = validateTimelineRequest(request);
      const found = await resolveCustomers(db, query.lookup);
      const customer = found[0]; // an identity shared by several records answers with the first, and all their work
      if (!customer)
        throw customerNotFound('customerId' in query.lookup ? `id ${query.lookup.customerId}` : 'that identity');
      const page = await timelinePage(
        db,
        found.map((c) => c.id),
        query,
      );
      const last = page.rows.at(-1);
      return {
        customer: {
          id: customer.id,
          displayName: customer.displayName,
          phoneNumbers: [],
          emails: [],
          chatVisitorIds: [],
          crmRef: '',
          createdAt: customer.createdAt,
          updatedAt: customer.updatedAt,
          mergedIntoCustomerId: '',
          erasedAt: customer.erasedAt ?? undefined,
        },
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
      const summary = toSummary(row);
      // Segments, messages, notes and recordings are not projected yet: the record carries the summary and the
      // disposition.
      return {
        interaction: {
          summary,
          segments: [],
          messages: [],
          notes: [],
          recordings: [],
          ...(row.disposition
            ? {
                disposition: {
                  wrapUpCodeId: row.disposition,
                  wrapUpCodeName: '',
                  comment: '',
                  setAt: row.ended_at ?? undefined,
                },
              }
            : {}),
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
    getScreenPopContext: later('GetScreenPopContext'),
    addNote: later('AddNote'),
    setDisposition: later('SetDisposition'),
    mergeCustomers: later('MergeCustomers'),
    eraseCustomer: later('EraseCustomer'),
    // eslint-disable-next-line require-yield -- it ends before its first item
    async *exportInteractions() {
      throw notImplementedYet('ExportInteractions');
    },
  };
}
