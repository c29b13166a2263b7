// GetScreenPopContext's request: the identity known at offer time, tried in the contract's order (customer id,
// phone, e-mail, visitor id, CRM reference); malformed values and limits out of range are named.
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';
import type { GetScreenPopContextRequest } from '@parley/protos/parley/history/v1/history';
import { normaliseEmail, normalisePhone } from '../domain/identities.js';
import { invalidArgument } from './errors.js';
import type { Lookup } from './timeline-request.js';

export const DEFAULT_RECENT = 5;
export const MAX_RECENT = 50;

export interface ScreenPopQuery {
  /** In the order to try them. */
  lookups: Lookup[];
  exceptId: string;
  recent: number;
}

export function validateScreenPopRequest(request: GetScreenPopContextRequest): ScreenPopQuery {
  const violations: FieldViolation[] = [];
  const identity = request.identity;
  const lookups: Lookup[] = [];
  if (identity?.customerId) lookups.push({ customerId: identity.customerId });
  if (identity?.phoneNumber) {
    const phone = normalisePhone(identity.phoneNumber);
    if (phone) lookups.push({ kind: 'PHONE', value: phone });
    else
      violations.push({
        field: 'identity.phone_number',
        description: `must be a phone number with its country code (E.164), got "${identity.phoneNumber}"`,
      });
  }
  if (identity?.email) {
    const email = normaliseEmail(identity.email);
    if (email) lookups.push({ kind: 'EMAIL', value: email });
    else
      violations.push({ field: 'identity.email', description: `must be an e-mail address, got "${identity.email}"` });
  }
  if (identity?.chatVisitorId) lookups.push({ kind: 'CHAT_VISITOR', value: identity.chatVisitorId.trim() });
  if (identity?.crmRef) lookups.push({ kind: 'CRM', value: identity.crmRef.trim() });
  if (!Number.isInteger(request.recentLimit) || request.recentLimit < 0 || request.recentLimit > MAX_RECENT)
    violations.push({ field: 'recent_limit', description: `must be 0 (default ${DEFAULT_RECENT}) to ${MAX_RECENT}` });
  if (violations.length > 0) throw invalidArgument(violations);
  return { lookups, exceptId: request.interactionId, recent: request.recentLimit || DEFAULT_RECENT };
}
