// Flow documents: a complete IVR (hours, menu, digits, lookup, queue, voicemail, callback, transfer) is valid with
// its defaults filled in; every kind of mistake is reported with the JSON pointer of the bad place.
import { describe, expect, it } from 'vitest';
import { validateFlow } from '../../src/flows/validate-flow.js';

interface LooseFlow {
  schemaVersion: number;
  start: string;
  nodes: Record<string, Record<string, unknown>>;
}

const support: LooseFlow = {
  schemaVersion: 1,
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompt: 'welcome', next: 'hours' },
    hours: { type: 'businessHours', calendar: 'support-hours', open: 'menu', closed: 'closed' },
    closed: { type: 'voicemail', prompt: 'closed-leave-message', queue: 'voicemail' },
    menu: {
      type: 'menu',
      prompt: 'main-menu',
      options: { '1': 'account', '2': 'sales', '0': 'operator' },
      fallback: 'sales',
    },
    account: {
      type: 'collectDigits',
      prompt: 'enter-account',
      minDigits: 6,
      maxDigits: 10,
      terminator: '#',
      attribute: 'account_number',
      next: 'lookup',
      noInput: 'sales',
    },
    lookup: {
      type: 'httpLookup',
      url: 'https://crm.example/api/customers?account={attribute.account_number}',
      map: { tier: 'customer.tier' },
      next: 'tagged',
      onError: 'sales',
    },
    tagged: { type: 'setAttributes', set: { language: 'pl' }, next: 'callback' },
    callback: {
      type: 'offerCallback',
      prompt: 'offer-callback',
      queue: 'support',
      accepted: 'bye',
      declined: 'support',
    },
    support: { type: 'enqueue', queue: 'support', skills: 'skill.polish >= 3', offerCallbackAfterSeconds: 300 },
    sales: { type: 'enqueue', queue: 'sales', priority: 5 },
    operator: { type: 'transfer', number: '+48221234567' },
    bye: { type: 'hangUp', prompt: 'goodbye' },
  },
};

const problems = (document: unknown) => {
  const result = validateFlow(typeof document === 'string' ? document : JSON.stringify(document));
  return result.valid ? [] : result.problems;
};

describe('flow documents', () => {
  it('accept a complete IVR and fill in the defaults', () => {
    const result = validateFlow(JSON.stringify(support));
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.flow.nodes.menu).toMatchObject({ timeoutMs: 5_000, retries: 2 });
    expect(result.flow.nodes.support).toMatchObject({ priority: 0, announceEverySeconds: 60 });
  });

  it('name the bad field of a bad node with its JSON pointer', () => {
    const bad = structuredClone(support);
    bad.nodes.menu = { ...bad.nodes.menu, options: { '12': 'sales' } };
    bad.nodes.operator = { type: 'transfer', number: '0048 22 123' };
    bad.nodes.account = { ...bad.nodes.account, minDigits: 12 };
    bad.nodes.lookup = { ...bad.nodes.lookup, url: 'ftp://crm.example' };
    bad.nodes.bye = { type: 'hangup' };
    expect(problems(bad).map((p) => p.path)).toEqual(
      expect.arrayContaining([
        '/nodes/menu/options/12',
        '/nodes/operator/number',
        '/nodes/account/minDigits',
        '/nodes/lookup/url',
        '/nodes/bye/type',
      ]),
    );
  });

  it('report links to missing nodes, a missing start, and nodes nothing leads to', () => {
    const broken = structuredClone(support);
    broken.nodes.menu = { ...broken.nodes.menu, options: { '1': 'acount' } };
    expect(problems(broken)).toEqual([{ path: '/nodes/menu/options/1', message: 'no node "acount"' }]);
    expect(problems({ ...support, start: 'hello' })).toEqual([{ path: '/start', message: 'no node "hello"' }]);
    const orphan = { ...support, nodes: { ...support.nodes, spare: { type: 'hangUp' } } };
    expect(problems(orphan)).toEqual([{ path: '/nodes/spare', message: 'no path from the start leads here' }]);
  });

  it('refuse what is not a flow: not JSON, unknown fields, another schema version, no nodes', () => {
    expect(problems('{')[0]?.path).toBe('');
    expect(problems({ ...support, extra: true })[0]?.path).toBe('');
    expect(problems({ ...support, schemaVersion: 2 })[0]?.path).toBe('/schemaVersion');
    expect(problems({ schemaVersion: 1, start: 'a', nodes: {} })[0]?.path).toBe('/nodes');
    expect(
      problems({
        ...support,
        nodes: { ...support.nodes, welcome: { type: 'play', prompt: 'Welcome!', next: 'hours' } },
      })[0]?.path,
    ).toBe('/nodes/welcome/prompt');
  });
});
