// Property tests (fast-check): no input makes the parser or framer throw anything but SipParseError, and generated
// valid messages and URIs survive serialize → parse unchanged. Run counts are bounded to keep this file near 5 s.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Headers,
  type SipMessage,
  type SipUri,
  SipParseError,
  SipStreamFramer,
  parseMessage,
  parseUri,
  serializeMessage,
  serializeUri,
} from '../../src/sip/index.js';
import { rfc4475 } from './support/rfc4475.js';

function onlyParseErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof SipParseError)) throw error;
  }
}

const SEEDS = [
  'wsinv',
  'intmeth',
  'esc01',
  'escnull',
  'esc02',
  'longreq',
  'mpart01',
  'unreason',
  'noreason',
  'badinv01',
].map((name) => rfc4475(name));

const SPECIAL = [...'\r\n \t:;,<>"\\%@?=/[]*'].map((c) => c.charCodeAt(0)).concat([0, 0x7f, 0xc3, 0xff]);

type Mutation =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const byte = fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 255 }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(byte, { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(seed: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = [...seed];
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.kind === 'set') bytes[at] = m.byte;
    else if (m.kind === 'insert') bytes.splice(at, 0, ...m.bytes);
    else if (m.kind === 'delete') bytes.splice(at, m.length);
    else bytes = bytes.slice(0, at);
  }
  return Uint8Array.from(bytes);
}

describe('sip › fuzz', () => {
  it('random bytes never throw anything but SipParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        onlyParseErrors(() => parseMessage(data));
        onlyParseErrors(() => parseMessage(data, { transport: 'stream' }));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated RFC 4475 messages never throw anything but SipParseError, through the parser and the framer', () => {
    fc.assert(
      fc.property(
        fc.nat(SEEDS.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 200 }),
        (seed, mutations, chunk) => {
          const data = mutate(SEEDS[seed]!, mutations);
          onlyParseErrors(() => parseMessage(data));
          onlyParseErrors(() => {
            const framer = new SipStreamFramer({ maxHeaderBytes: 4096, maxMessageBytes: 8192 });
            for (let i = 0; i < data.length; i += chunk) {
              for (const frame of framer.push(data.subarray(i, i + chunk)))
                parseMessage(frame, { transport: 'stream' });
            }
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  const token = fc.stringMatching(/^[a-zA-Z0-9\-.!%*_+`'~]{1,12}$/);
  const hostname = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z]([a-z0-9-]{0,6}[a-z0-9])?){0,3}$/);
  const host = fc.oneof(
    hostname,
    fc.ipV4(),
    fc.ipV6().map((ip) => `[${ip}]`),
  );
  // Any Unicode text for user, password and parameters: the serializer must escape what needs escaping.
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 });
  const uriParamArb = fc.record({ name: text, value: fc.option(text, { nil: null }) });
  const sipUri: fc.Arbitrary<SipUri> = fc
    .record({
      scheme: fc.constantFrom('sip' as const, 'sips' as const),
      user: fc.option(text, { nil: undefined }),
      password: fc.option(text, { nil: undefined }),
      host,
      port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
      params: fc.array(uriParamArb, { maxLength: 3 }),
      headers: fc.array(fc.record({ name: text, value: fc.string({ maxLength: 8 }) }), { maxLength: 2 }),
    })
    .map((u) => {
      const uri: SipUri = { scheme: u.scheme, host: u.host, params: u.params, headers: u.headers };
      if (u.user !== undefined) {
        uri.user = u.user;
        if (u.password !== undefined) uri.password = u.password;
      }
      if (u.port !== undefined) uri.port = u.port;
      return uri;
    });

  it('generated SIP URIs round-trip through serializeUri and parseUri', () => {
    fc.assert(
      fc.property(sipUri, (uri) => {
        expect(parseUri(serializeUri(uri))).toEqual(uri);
      }),
      { numRuns: 1500 },
    );
  });

  const displayName = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/[\r\n]/.test(s) && s.trim() === s);
  const nameAddr = fc
    .tuple(
      fc.option(displayName, { nil: undefined }),
      sipUri.filter((u) => u.headers.length === 0),
      token,
    )
    .map(
      ([name, uri, tag]) =>
        `${name === undefined ? '' : `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}" `}<${serializeUri(uri)}>;tag=${tag}`,
    );
  const via = fc
    .tuple(
      fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS'),
      host,
      fc.option(fc.integer({ min: 1, max: 65535 })),
      token,
    )
    .map(
      ([transport, h, port, branch]) =>
        `SIP/2.0/${transport} ${h}${port === null ? '' : `:${port}`};branch=z9hG4bK${branch}`,
    );
  const extensionValue = fc
    .string({ unit: 'grapheme', maxLength: 30 })
    .map((s) => s.replace(/[\r\n]/g, ' ').replace(/^[ \t]+|[ \t]+$/g, ''));
  const message: fc.Arbitrary<SipMessage> = fc
    .record({
      request: fc.boolean(),
      method: token,
      uri: sipUri.filter((u) => u.headers.length === 0).map(serializeUri),
      status: fc.integer({ min: 100, max: 699 }),
      // eslint-disable-next-line no-control-regex -- the grammar excludes exactly these control characters
      reason: fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '')),
      vias: fc.array(via, { minLength: 1, maxLength: 4 }),
      from: nameAddr,
      to: nameAddr,
      callId: fc.stringMatching(/^[a-zA-Z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]{1,20}(@[a-zA-Z0-9.]{1,10})?$/),
      seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      maxForwards: fc.integer({ min: 0, max: 255 }),
      extensions: fc.array(fc.tuple(fc.constantFrom('X-Foo', 'Subject', 'User-Agent', 'X-Opaque'), extensionValue), {
        maxLength: 4,
      }),
      body: fc.uint8Array({ maxLength: 300 }),
    })
    .map((g) => {
      const headers = new Headers([
        ...g.vias.map((value) => ({ name: 'Via', value })),
        { name: 'From', value: g.from },
        { name: 'To', value: g.to },
        { name: 'Call-ID', value: g.callId },
        { name: 'CSeq', value: `${g.seq} ${g.method}` },
        { name: 'Max-Forwards', value: String(g.maxForwards) },
        ...g.extensions.map(([name, value]) => ({ name, value })),
        { name: 'Content-Length', value: String(g.body.length) },
      ]);
      return g.request
        ? { kind: 'request', method: g.method, uri: g.uri, version: 'SIP/2.0', headers, body: g.body }
        : { kind: 'response', version: 'SIP/2.0', status: g.status, reason: g.reason, headers, body: g.body };
    });

  it('generated valid messages round-trip through serializeMessage and parseMessage, on both transports', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = serializeMessage(m);
        expect(parseMessage(bytes)).toEqual(m);
        expect(parseMessage(bytes, { transport: 'stream' })).toEqual(m);
        const framer = new SipStreamFramer();
        expect(framer.push(bytes).map((frame) => parseMessage(frame, { transport: 'stream' }))).toEqual([m]);
      }),
      { numRuns: 1000 },
    );
  });
});
