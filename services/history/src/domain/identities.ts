// Customer identities as history stores them: normalised (E.164 phone numbers, lower-case e-mail addresses), and the
// customer record an identity stands for when an event names none — derived from the strongest identity (CRM
// reference, then e-mail, phone, chat visitor), so the same identity always gives the same record whatever order
// events arrive in.
import { createHash } from 'node:crypto';
import type { CustomerIdentity } from '@parley/protos/parley/common/v1/interaction';

export type IdentityKind = 'CRM' | 'EMAIL' | 'PHONE' | 'CHAT_VISITOR';

export interface Identity {
  kind: IdentityKind;
  value: string;
}

const e164 = /^\+[1-9]\d{6,14}$/;

/** "+48 22 123-45-67", "0048221234567" → "+48221234567"; undefined when it is not a phone number. */
export function normalisePhone(text: string): string | undefined {
  let digits = text.trim().replace(/[\s\-.()/]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  return e164.test(digits) ? digits : undefined;
}

export function normaliseEmail(text: string): string | undefined {
  const value = text.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? value : undefined;
}

/** The usable identities of a contract CustomerIdentity, strongest first. */
export function identitiesOf(customer: CustomerIdentity | undefined): Identity[] {
  if (!customer) return [];
  const found: Identity[] = [];
  if (customer.crmRef.trim()) found.push({ kind: 'CRM', value: customer.crmRef.trim() });
  const email = normaliseEmail(customer.email);
  if (email) found.push({ kind: 'EMAIL', value: email });
  const phone = normalisePhone(customer.phoneNumber);
  if (phone) found.push({ kind: 'PHONE', value: phone });
  if (customer.chatVisitorId.trim()) found.push({ kind: 'CHAT_VISITOR', value: customer.chatVisitorId.trim() });
  return found;
}

/** The customer record an identity stands for when nobody named one. */
export function customerIdFor(identity: Identity): string {
  return `cust_${createHash('sha256').update(`${identity.kind}:${identity.value}`).digest('hex').slice(0, 24)}`;
}

export function identityKey(identity: Identity): string {
  return `${identity.kind}:${identity.value}`;
}

export function identityFromKey(key: string): Identity {
  const at = key.indexOf(':');
  return { kind: key.slice(0, at) as IdentityKind, value: key.slice(at + 1) };
}
