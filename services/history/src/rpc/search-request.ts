// SearchInteractions' request, validated: a time range that is required and not inverted, known channels and
// states, an optional customer identity, a page size within limits and a page token of this very query.
import { createHash } from 'node:crypto';
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import type { SearchInteractionsRequest } from '@parley/protos/parley/history/v1/history';
import { invalidArgument } from './errors.js';
import {
  channelNames,
  decodePageToken,
  DEFAULT_PAGE_SIZE,
  lookupOf,
  MAX_PAGE_SIZE,
  type Lookup,
} from './timeline-request.js';

const stateNames: Partial<Record<InteractionState, string>> = {
  [InteractionState.INTERACTION_STATE_CREATED]: 'created',
  [InteractionState.INTERACTION_STATE_IVR]: 'ivr',
  [InteractionState.INTERACTION_STATE_QUEUED]: 'queued',
  [InteractionState.INTERACTION_STATE_OFFERED]: 'offered',
  [InteractionState.INTERACTION_STATE_CONNECTED]: 'connected',
  [InteractionState.INTERACTION_STATE_WRAP_UP]: 'wrap_up',
  [InteractionState.INTERACTION_STATE_COMPLETED]: 'completed',
  [InteractionState.INTERACTION_STATE_ABANDONED]: 'abandoned',
  [InteractionState.INTERACTION_STATE_FAILED]: 'failed',
};

export interface SearchQuery {
  from: Date;
  to: Date;
  channels: string[];
  siteIds: string[];
  queueIds: string[];
  agentIds: string[];
  dispositions: string[];
  states: string[];
  customer: Lookup | undefined;
  text: string;
  pageSize: number;
  after: { createdAt: Date; id: string } | undefined;
  fingerprint: string;
}

export function validateSearchRequest(request: SearchInteractionsRequest, now: Date): SearchQuery {
  const violations: FieldViolation[] = [];
  const filter = request.filter;
  const range = filter?.timeRange;
  if (!range?.start) violations.push({ field: 'filter.time_range.start', description: 'is required' });
  const from = range?.start ?? now;
  const to = range?.end ?? now;
  if (range?.start && to <= from)
    violations.push({
      field: 'filter.time_range.end',
      description: 'must be after start (the range is inverted or empty)',
    });
  const channels: string[] = [];
  (filter?.channels ?? []).forEach((channel, i) => {
    const name = channelNames[channel];
    if (name) channels.push(name);
    else
      violations.push({
        field: `filter.channels[${i}]`,
        description: 'must be a channel (voice, chat, email, callback)',
      });
  });
  const states: string[] = [];
  (filter?.states ?? []).forEach((state, i) => {
    const name = stateNames[state];
    if (name) states.push(name);
    else violations.push({ field: `filter.states[${i}]`, description: 'must be an interaction state' });
  });
  const customer = filter?.customer ? lookupOf(filter.customer, violations, 'filter.customer') : undefined;
  const text = (filter?.text ?? '').trim();
  if (text.length > 500) violations.push({ field: 'filter.text', description: 'must be at most 500 characters' });
  const pageSize = request.paging?.pageSize ?? 0;
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE)
    violations.push({
      field: 'paging.page_size',
      description: `must be 0 (default ${DEFAULT_PAGE_SIZE}) to ${MAX_PAGE_SIZE}`,
    });
  const sorted = (values: readonly string[]) => [...values].sort();
  const query = {
    from,
    to,
    channels,
    siteIds: sorted(filter?.siteIds ?? []),
    queueIds: sorted(filter?.queueIds ?? []),
    agentIds: sorted(filter?.agentIds ?? []),
    dispositions: sorted(filter?.wrapUpCodeIds ?? []),
    states,
    customer,
    text,
  };
  // Bound to the filter (with "now" resolved, so the next pages see the same range).
  const fingerprint = createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
  const token = request.paging?.pageToken ?? '';
  const after = token ? decodePageToken(token, fingerprint) : undefined;
  if (token && !after)
    violations.push({ field: 'paging.page_token', description: 'is not a token of this search (same filter)' });
  if (violations.length > 0) throw invalidArgument(violations);
  return { ...query, pageSize: pageSize || DEFAULT_PAGE_SIZE, after, fingerprint };
}
