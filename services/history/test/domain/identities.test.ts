// Identities as history stores them: phone numbers in E.164 whatever way they were written, e-mail lower-cased,
// junk dropped, and the record an identity stands for derived from the strongest one — the same every time.
import { describe, expect, it } from 'vitest';
import { CustomerIdentity } from '@parley/protos/parley/common/v1/interaction';
import { customerIdFor, identitiesOf, normalisePhone } from '../../src/domain/identities.js';

describe('customer identities', () => {
  it('normalises phone numbers to E.164 and refuses what is not one', () => {
    expect(normalisePhone('+48 22 123-45-67')).toBe('+48221234567');
    expect(normalisePhone('0048 (22) 123 45 67')).toBe('+48221234567');
    expect(normalisePhone('22 123 45 67')).toBeUndefined(); // no country code
    expect(normalisePhone('+0 123 456 789')).toBeUndefined();
    expect(normalisePhone('anonymous')).toBeUndefined();
  });

  it('lists the usable identities strongest first and derives the same record from the strongest', () => {
    const customer = CustomerIdentity.fromPartial({
      phoneNumber: '+48 600 000 001',
      email: ' Anna@Example.COM ',
      chatVisitorId: 'v-1',
      crmRef: '',
    });
    expect(identitiesOf(customer)).toEqual([
      { kind: 'EMAIL', value: 'anna@example.com' },
      { kind: 'PHONE', value: '+48600000001' },
      { kind: 'CHAT_VISITOR', value: 'v-1' },
    ]);
    const [strongest] = identitiesOf(customer);
    expect(customerIdFor(strongest!)).toBe(customerIdFor({ kind: 'EMAIL', value: 'anna@example.com' }));
    expect(customerIdFor(strongest!)).not.toBe(customerIdFor({ kind: 'PHONE', value: '+48600000001' }));
    expect(identitiesOf(CustomerIdentity.fromPartial({ phoneNumber: 'unknown' }))).toEqual([]);
  });
});
