// The parley.history.v1 contract. GetCustomerTimeline, GetInteraction, SearchInteractions and GetScreenPopContext
// are served; the other calls answer UNIMPLEMENTED until they are built (README, "State").
import type { ContractHandlers } from '@parley/kit';
import type { Customer, HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import type pg from 'pg';
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
import { customerNotFound, interactionNotFound, invalidArgument, notImplementedYet } from './errors.js';
import { toSummary } from './summary-mapper.js';
import { validateScreenPopRequest } from './screen-pop-request.js';
import { validateSearchRequest } from './search-request.js';
import { toSegments } from './segment-mapper.js';
import { encodePageToken, validateTimelineRequest } from './timeline-request.js';

export type HistoryHandlers = ContractHandlers<typeof HistoryServiceService>;

/** The contract's Customer (identities are not listed yet). */
function customerMessage(customer: TimelineCustomer): Customer {
  return {
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
  };
}

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
        customer: customerMessage(customer),
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
      const segments = toSegments(await interactionSegments(db, row.id), row.state);
      // Messages, notes and recordings are not projected yet: the record carries the summary, the segments and the
      // disposition.
      return {
        interaction: {
          summary,
          segments,
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
        customer: customerMessage(customer),
        recent: recent.map(toSummary),
        open: open.map(toSummary),
        lastAgentId: last?.agentId ?? '',
        ...(last ? { lastAgentContactAt: last.at } : {}),
      };
    },
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
