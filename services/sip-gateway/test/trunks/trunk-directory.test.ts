// Trunk configuration and look-ups: sources as addresses or CIDR ranges (IPv4-mapped IPv6 included), dialled
// numbers in the usual written forms, and configuration mistakes named by their path.
import { describe, expect, it } from 'vitest';
import { trunksSchema } from '../../src/trunks/trunk-config.js';
import { normaliseDialled, TrunkDirectory } from '../../src/trunks/trunk-directory.js';

const trunks = trunksSchema.parse([
  {
    id: 'carrier-a',
    name: 'Carrier A',
    sources: ['203.0.113.0/28', '2001:db8::/64'],
    maxCalls: 10,
    dids: { '+48221234567': 'support' },
  },
  { id: 'carrier-b', name: 'Carrier B', sources: ['198.51.100.7'], maxCalls: 5, dids: { '+15551230000': 'sales' } },
]);
const directory = new TrunkDirectory(trunks);

describe('trunks', () => {
  it('find the trunk by source address or range', () => {
    expect(directory.trunkFor('203.0.113.9')?.id).toBe('carrier-a');
    expect(directory.trunkFor('::ffff:203.0.113.9')?.id).toBe('carrier-a');
    expect(directory.trunkFor('2001:db8::42')?.id).toBe('carrier-a');
    expect(directory.trunkFor('203.0.113.16')).toBeUndefined();
    expect(directory.trunkFor('198.51.100.7')?.id).toBe('carrier-b');
    expect(directory.trunkFor('not an address')).toBeUndefined();
  });

  it('find the flow by dialled number, written any usual way', () => {
    const carrierA = directory.trunkFor('203.0.113.1');
    expect(carrierA && directory.flowFor(carrierA, '+48 22 123 45 67')).toBe('support');
    expect(carrierA && directory.flowFor(carrierA, '0048221234567')).toBe('support');
    expect(carrierA && directory.flowFor(carrierA, '+15551230000')).toBeUndefined(); // another trunk's number
    expect(normaliseDialled('221234567')).toBeUndefined(); // national form: not E.164
  });

  it('route an outbound number to the trunk with the longest matching prefix', () => {
    const routes = new TrunkDirectory(
      trunksSchema.parse([
        { ...trunks[0], outbound: { proxy: '203.0.113.1:5060', callerId: '+48221234567' } },
        {
          ...trunks[1],
          outbound: { proxy: '[2001:db8::5]:5060', prefixes: ['+4822', '+1'], callerId: '+15551230000' },
        },
        { id: 'inbound-only', name: 'In', sources: ['192.0.2.1'], maxCalls: 1, dids: { '+48587654321': 'f' } },
      ]),
    );
    expect(routes.routeFor('+48221112233')?.id).toBe('carrier-b'); // +4822 beats the default "+"
    expect(routes.routeFor('+48581112233')?.id).toBe('carrier-a');
    expect(routes.routeFor('+15550001111')?.id).toBe('carrier-b');
    expect(directory.routeFor('+48221112233')).toBeUndefined(); // no trunk calls out
    const bad = trunksSchema.safeParse([
      { ...trunks[0], outbound: { proxy: 'carrier.example', prefixes: ['48'], callerId: '+4822' } },
    ]);
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['0.outbound.proxy', '0.outbound.prefixes.0', '0.outbound.callerId']));
  });

  it('name configuration mistakes by path', () => {
    const result = trunksSchema.safeParse([
      { id: 'Bad Id', name: 'x', sources: ['300.1.1.1'], maxCalls: 0, dids: { '0221234567': 'f' } },
      { id: 'b', name: 'b', sources: ['10.0.0.1'], maxCalls: 1, dids: { '+48221234567': 'f' } },
      { id: 'c', name: 'c', sources: ['10.0.0.2'], maxCalls: 1, dids: { '+48221234567': 'g' } },
    ]);
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('/'));
    expect(paths).toEqual(expect.arrayContaining(['0/id', '0/sources/0', '0/maxCalls', '0/dids/0221234567']));
  });

  it('refuse a number delivered by two trunks', () => {
    const result = trunksSchema.safeParse([
      { id: 'b', name: 'b', sources: ['10.0.0.1'], maxCalls: 1, dids: { '+48221234567': 'f' } },
      { id: 'c', name: 'c', sources: ['10.0.0.2'], maxCalls: 1, dids: { '+48221234567': 'g' } },
    ]);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: [1, 'dids', '+48221234567'], message: 'already on trunk b' }),
    ]);
  });
});

describe('SIP_TRUNKS', () => {
  it('is read from JSON, and a bad entry stops the start naming its path', async () => {
    const { loadSipGatewayConfig } = await import('../../src/config.js');
    const good = loadSipGatewayConfig({
      SIP_TRUNKS: JSON.stringify([
        { id: 'a', name: 'A', sources: ['10.0.0.1'], maxCalls: 1, dids: { '+48221234567': 'f' } },
      ]),
    });
    expect(good.SIP_TRUNKS?.[0]?.id).toBe('a');
    expect(() => loadSipGatewayConfig({ SIP_TRUNKS: '[{"id":"a"}]' })).toThrow(/0\.name/);
    expect(() => loadSipGatewayConfig({ SIP_TRUNKS: 'not json' })).toThrow(/must be JSON/);
  });
});
