// The structured header parsers on their own: URIs, name-addr, Via, the scalar headers, header names.
import { describe, expect, it } from 'vitest';
import {
  Headers,
  SipParseError,
  canonicalHeaderName,
  parseCSeq,
  parseCallId,
  parseContact,
  parseContentLength,
  parseMaxForwards,
  parseNameAddr,
  parseUri,
  parseVia,
  serializeNameAddr,
  serializeUri,
  serializeVia,
  sipErrorCodes,
  uriParam,
  viaRport,
} from '../../src/sip/index.js';

const rejects = (fn: () => unknown, code: string): void => {
  expect(fn).toThrow(SipParseError);
  try {
    fn();
  } catch (error) {
    expect((error as SipParseError).code).toBe(code);
  }
};

describe('sip › URIs', () => {
  it('parses user, password, IPv6 host, port, parameters and headers, decoding escapes', () => {
    const uri = parseUri(
      'sips:al%69ce:se%63ret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi%20there&priority=urgent',
    );
    expect(uri).toEqual({
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: '[2001:db8::1]',
      port: 5061,
      params: [
        { name: 'transport', value: 'tcp' },
        { name: 'lr', value: null },
      ],
      headers: [
        { name: 'subject', value: 'hi there' },
        { name: 'priority', value: 'urgent' },
      ],
    });
    expect(uriParam(uri as never, 'TRANSPORT')).toBe('tcp');
    expect(serializeUri(uri)).toBe(
      'sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi%20there&priority=urgent',
    );
  });

  it('parses tel URIs and keeps other schemes opaque', () => {
    expect(parseUri('tel:+1-201-555-0123;ext=42')).toEqual({
      scheme: 'tel',
      number: '+1-201-555-0123',
      params: [{ name: 'ext', value: '42' }],
    });
    expect(parseUri('urn:service:sos')).toEqual({ scheme: 'urn', opaque: 'service:sos' });
  });

  it.each([
    ['sip:', 'empty'],
    ['sip:user@', 'no host'],
    ['sip:@example.com', 'empty user'],
    ['sip:a@b@example.com', 'two @'],
    ['sip:user@exa mple.com', 'space'],
    ['sip:user@[2001:db8::1', 'unclosed IPv6'],
    ['sip:user@[1:2:3]', 'bad IPv6'],
    ['sip:user@example.com:99999', 'port out of range'],
    ['sip:us%4gr@example.com', 'bad escape'],
    ['sip:example.com;;lr', 'empty parameter'],
    ['tel:xyz', 'bad number'],
    ['1sip:x', 'bad scheme'],
  ])('rejects %s (%s)', (text) => rejects(() => parseUri(text), 'PARLEY_SIP_BAD_URI'));
});

describe('sip › name-addr, Via and scalar headers', () => {
  it('parses and canonically serializes a name-addr', () => {
    const value = parseNameAddr('Alice  Smith <sip:alice@example.com>;tag=1928;x="a;b"', 'From');
    expect(value.displayName).toBe('Alice  Smith');
    expect(value.params).toEqual([
      { name: 'tag', value: '1928' },
      { name: 'x', value: '"a;b"' },
    ]);
    expect(serializeNameAddr(value)).toBe('"Alice  Smith" <sip:alice@example.com>;tag=1928;x="a;b"');
    expect(parseNameAddr(serializeNameAddr(value), 'From')).toEqual(value);
  });

  it('requires <> for Route and accepts the Contact wildcard', () => {
    rejects(
      () => parseNameAddr('sip:p1.example.com;lr', 'Route', { requireAngleBrackets: true }),
      'PARLEY_SIP_BAD_HEADER_VALUE',
    );
    expect(parseContact('*')).toEqual({ wildcard: true, params: [] });
    expect(parseContact(' * ;expires=0')).toEqual({ wildcard: true, params: [{ name: 'expires', value: '0' }] });
  });

  it('parses Via sent-by with IPv6 and port, and received/rport', () => {
    const via = parseVia('SIP/2.0/udp [2001:db8::9]:5070;branch=z9hG4bK1;received=2001:db8::9;rport=5070');
    expect(via).toMatchObject({ transport: 'UDP', host: '[2001:db8::9]', port: 5070 });
    expect(viaRport(via)).toBe(5070);
    expect(serializeVia(via)).toBe('SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK1;received=2001:db8::9;rport=5070');
    rejects(() => parseVia('SIP/2.0 host.example.com'), 'PARLEY_SIP_BAD_HEADER_VALUE');
    rejects(() => parseVia('SIP/2.0/UDP'), 'PARLEY_SIP_BAD_HEADER_VALUE');
    rejects(() => parseVia('SIP/2.0/UDP host;rport=x'), 'PARLEY_SIP_BAD_HEADER_VALUE');
  });

  it('checks CSeq, Max-Forwards, Content-Length and Call-ID ranges and grammar', () => {
    expect(parseCSeq('4294967295 ACK')).toEqual({ seq: 4294967295, method: 'ACK' });
    rejects(() => parseCSeq('4294967296 ACK'), 'PARLEY_SIP_BAD_HEADER_VALUE');
    rejects(() => parseCSeq('1'), 'PARLEY_SIP_BAD_HEADER_VALUE');
    expect(parseMaxForwards('255')).toBe(255);
    rejects(() => parseMaxForwards('256'), 'PARLEY_SIP_BAD_HEADER_VALUE');
    rejects(() => parseContentLength('five'), 'PARLEY_SIP_BAD_CONTENT_LENGTH');
    expect(parseCallId('a84b4c76e66710@pc33.atlanta.com')).toBe('a84b4c76e66710@pc33.atlanta.com');
    rejects(() => parseCallId('a b'), 'PARLEY_SIP_BAD_HEADER_VALUE');
    rejects(() => parseCallId('a@b@c'), 'PARLEY_SIP_BAD_HEADER_VALUE');
  });
});

describe('sip › header names', () => {
  it.each([
    ['i', 'Call-ID'],
    ['m', 'Contact'],
    ['e', 'Content-Encoding'],
    ['l', 'Content-Length'],
    ['c', 'Content-Type'],
    ['f', 'From'],
    ['s', 'Subject'],
    ['k', 'Supported'],
    ['t', 'To'],
    ['v', 'Via'],
    ['CSEQ', 'CSeq'],
    ['www-authenticate', 'WWW-Authenticate'],
    ['X-Custom', 'X-Custom'],
  ])('%s is %s', (name, canonical) => expect(canonicalHeaderName(name)).toBe(canonical));

  it('looks fields up case-insensitively and by compact form, in order', () => {
    const headers = new Headers([
      { name: 'v', value: 'SIP/2.0/UDP a' },
      { name: 'VIA', value: 'SIP/2.0/UDP b' },
      { name: 'x-a', value: '1' },
    ]);
    expect(headers.getAll('via')).toEqual(['SIP/2.0/UDP a', 'SIP/2.0/UDP b']);
    expect(headers.get('X-A')).toBe('1');
    headers.set('Via', 'SIP/2.0/TCP c');
    expect(headers.fields.map((f) => f.value)).toEqual(['SIP/2.0/TCP c', '1']);
  });
});

describe('sip › error codes', () => {
  it('documents every code with a status and a description', () => {
    for (const [code, entry] of Object.entries(sipErrorCodes)) {
      expect(code).toMatch(/^PARLEY_SIP_[A-Z_]+$/);
      expect(entry.description.length).toBeGreaterThan(10);
      expect([400, 505, 513]).toContain(entry.status);
    }
  });
});
