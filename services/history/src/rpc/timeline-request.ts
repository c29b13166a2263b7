// GetCustomerTimeline's request, validated: exactly one identity (an E.164 phone number, an e-mail address, ...), a
// page size within limits, and a page token that belongs to this very query. Every bad field is named.
import { Channel } from '@parley/protos/parley/common/v1/channel';
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';
import type { CustomerLookup, GetCustomerTimelineRequest } from '@parley/protos/parley/history/v1/history';
import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export type IdentityKind = 'PHONE' | 'EMAIL' | 'CHAT_VISITOR' | 'CRM';
export type Lookup = { customerId: string } | { kind: IdentityKind; value: string };

export interface TimelineQuery {
  lookup: Lookup;
  channels: string[];
  pageSize: number;
  /** Continue after this (created_at, id); none for the first page. */
  after: { createdAt: Date; id: string } | undefined;
  /** Ties a page token to the query it came from. */
  fingerprint: string;
}

export const channelNames: Partial<Record<Channel, string>> = {
  [Channel.CHANNEL_VOICE]: 'voice',
  [Channel.CHANNEL_CHAT]: 'chat',
  [Channel.CHANNEL_EMAIL]: 'email',
  [Channel.CHANNEL_CALLBACK]: 'callback',
};

const e164 = /^\+[1-9]\d{6,14}$/;
const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The one identity of a CustomerLookup; every problem is named under `field` ("customer", "filter.customer"). */
export function lookupOf(
  customer: CustomerLookup | undefined,
  violations: FieldViolation[],
  field = 'customer',
): Lookup | undefined {
  if (!customer) {
    violations.push({ field, description: 'one identity is required' });
    return undefined;
  }
  if (customer.customerId !== undefined) {
    if (!customer.customerId) violations.push({ field: `${field}.customer_id`, description: 'must not be empty' });
    return { customerId: customer.customerId };
  }
  if (customer.phoneNumber !== undefined) {
    if (!e164.test(customer.phoneNumber))
      violations.push({
        field: `${field}.phone_number`,
        description: `must be E.164 ("+" and 7–15 digits, e.g. +48221234567), got "${customer.phoneNumber}"`,
      });
    return { kind: 'PHONE', value: customer.phoneNumber };
  }
  if (customer.email !== undefined) {
    if (!email.test(customer.email))
      violations.push({ field: `${field}.email`, description: `must be an e-mail address, got "${customer.email}"` });
    return { kind: 'EMAIL', value: customer.email.trim().toLowerCase() };
  }
  if (customer.chatVisitorId !== undefined) {
    if (!customer.chatVisitorId)
      violations.push({ field: `${field}.chat_visitor_id`, description: 'must not be empty' });
    return { kind: 'CHAT_VISITOR', value: customer.chatVisitorId };
  }
  if (customer.crmRef !== undefined) {
    if (!customer.crmRef) violations.push({ field: `${field}.crm_ref`, description: 'must not be empty' });
    return { kind: 'CRM', value: customer.crmRef };
  }
  violations.push({ field, description: 'one identity is required' });
  return undefined;
}

export function encodePageToken(fingerprint: string, createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, t: createdAt.getTime(), i: id })).toString('base64url');
}

export function decodePageToken(token: string, fingerprint: string): { createdAt: Date; id: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      f?: unknown;
      t?: unknown;
      i?: unknown;
    };
    if (parsed.f !== fingerprint || typeof parsed.t !== 'number' || typeof parsed.i !== 'string') return undefined;
    return { createdAt: new Date(parsed.t), id: parsed.i };
  } catch {
    return undefined;
  }
}

export function validateTimelineRequest(request: GetCustomerTimelineRequest): TimelineQuery {
  const violations: FieldViolation[] = [];
  const lookup = lookupOf(request.customer, violations);
  const channels: string[] = [];
  request.channels.forEach((channel, i) => {
    const name = channelNames[channel];
    if (name) channels.push(name);
    else violations.push({ field: `channels[${i}]`, description: 'must be a channel (voice, chat, email, callback)' });
  });
  const pageSize = request.paging?.pageSize ?? 0;
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE)
    violations.push({
      field: 'paging.page_size',
      description: `must be 0 (default ${DEFAULT_PAGE_SIZE}) to ${MAX_PAGE_SIZE}`,
    });
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ lookup, channels: [...channels].sort() }))
    .digest('base64url')
    .slice(0, 16);
  const token = request.paging?.pageToken ?? '';
  const after = token ? decodePageToken(token, fingerprint) : undefined;
  if (token && !after)
    violations.push({
      field: 'paging.page_token',
      description: 'is not a token of this query (same customer and channels)',
    });
  if (violations.length > 0 || !lookup) throw invalidArgument(violations);
  return { lookup, channels, pageSize: pageSize || DEFAULT_PAGE_SIZE, after, fingerprint };
}
