// RFC 4475 (SIP torture test messages) through the message layer: every §3.1.1 message parses with the values the
// RFC describes; every §3.1.2 message is rejected with the error the RFC's advice maps to; §3.2-3.3 messages, whose
// handling belongs to transaction or application layers, are sorted into what the parser can and cannot decide.
import { describe, expect, it } from 'vitest';
import {
  type NameAddr,
  type SipRequest,
  type SipResponse,
  type SipUri,
  SipParseError,
  getParam,
  parseCSeq,
  parseContact,
  parseMaxForwards,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  viaBranch,
  viaReceived,
  viaRport,
} from '../../src/sip/index.js';
import { rfc4475 } from './support/rfc4475.js';

const request = (name: string): SipRequest => {
  const message = parseMessage(rfc4475(name));
  if (message.kind !== 'request') throw new Error(`${name} is not a request`);
  return message;
};
const response = (name: string): SipResponse => {
  const message = parseMessage(rfc4475(name));
  if (message.kind !== 'response') throw new Error(`${name} is not a response`);
  return message;
};
const sipUri = (text: string): SipUri => parseUri(text) as SipUri;
const nameAddr = (m: SipRequest | SipResponse, header: string): NameAddr =>
  parseNameAddr(m.headers.get(header)!, header);
const text = (body: Uint8Array): string => Buffer.from(body).toString('utf8');
const SDP_LPC_150 = /^v=0\r\n[\s\S]*a=rtpmap:31 LPC\r\n$/;

describe('sip › RFC 4475 §3.1.1 valid messages', () => {
  it('wsinv: parses folding, LWS around colons, compact forms, escaped quotes and leading zeros', () => {
    const m = request('wsinv');
    expect(m.method).toBe('INVITE');
    expect(sipUri(m.uri)).toEqual({
      scheme: 'sip',
      user: 'vivekg',
      host: 'chair-dnrc.example.com',
      params: [{ name: 'unknownparam', value: null }],
      headers: [],
    });
    const to = nameAddr(m, 'To');
    expect(to.displayName).toBeUndefined();
    expect(to.params).toEqual([{ name: 'tag', value: '1918181833n' }]);
    const from = nameAddr(m, 'f');
    expect(from.displayName).toBe('J Rosenberg \\"');
    expect((from.uri as SipUri).user).toBe('jdrosen');
    expect(getParam(from.params, 'tag')).toBe('98asjd8');
    expect(parseMaxForwards(m.headers.get('max-forwards')!)).toBe(68);
    expect(m.headers.get('i')).toBe('wsinv.ndaksdj@192.0.2.1');
    expect(parseCSeq(m.headers.get('CSeq')!)).toEqual({ seq: 9, method: 'INVITE' });
    const vias = m.headers.getAll('Via').map(parseVia);
    expect(vias.map((v) => [v.transport, v.host, viaBranch(v)])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.headers.get('Subject')).toBe('');
    expect(m.headers.get('newfangledheader')).toBe('newfangled value continued newfangled value');
    // Unknown header: kept whole, not split at its commas (the RFC's point about this value).
    expect(m.headers.getAll('UnknownHeaderWithUnusualValue')).toEqual([';;,,;;,;']);
    expect(m.headers.get('c')).toBe('application/sdp');
    const route = nameAddr(m, 'Route');
    expect((route.uri as SipUri).params.map((p) => p.name)).toEqual(['lr', 'unknownwith', 'unknown-no-value']);
    const contact = parseContact(m.headers.get('Contact')!) as NameAddr;
    expect(contact.displayName).toBe('Quoted string ""');
    expect(contact.params).toEqual([
      { name: 'newparam', value: 'newvalue' },
      { name: 'secondparam', value: null },
      { name: 'q', value: '0.33' },
    ]);
    expect(m.body.length).toBe(150);
    expect(text(m.body)).toMatch(SDP_LPC_150);
  });

  it('intmeth: accepts every token character in the method, URI, branch, tag and Call-ID, and UTF-8 values', () => {
    const m = request('intmeth');
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = sipUri(m.uri);
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(uri.host).toBe('example.com');
    expect(viaBranch(parseVia(m.headers.get('Via')!))).toBe("z9hG4bK-.!%66*_+`'~");
    const to = nameAddr(m, 'To');
    expect(to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect((to.uri as SipUri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    const from = nameAddr(m, 'From');
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(getParam(from.params, "fromParam''~+*_!.-%")).toBe('"работающий"');
    expect(getParam(from.params, 'tag')).toBe("_token~1'+`*%!-.");
    expect(m.headers.get('Call-ID')).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(parseCSeq(m.headers.get('CSeq')!)).toEqual({ seq: 139122385, method: m.method });
    expect(m.headers.get("extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
  });

  it('esc01: decodes %HH in user parts and URI parameters, once', () => {
    const m = request('esc01');
    expect(sipUri(m.uri)).toMatchObject({ user: 'sips:user@example.com', host: 'example.net' });
    expect((nameAddr(m, 'To').uri as SipUri).user).toBe('user');
    expect((nameAddr(m, 'From').uri as SipUri).user).toBe('I have spaces');
    const contact = parseContact(m.headers.get('m')!) as NameAddr;
    expect((contact.uri as SipUri).user).toBe('caller');
    // "value%41" is not "valueA": unescaping is never recursive (RFC 3986).
    expect((contact.uri as SipUri).params).toEqual([
      { name: 'lr', value: null },
      { name: 'name', value: 'value%41' },
    ]);
    expect(m.body.length).toBe(150);
  });

  it('escnull: keeps escaped NULs in user parts and registers two distinct contacts', () => {
    const m = request('escnull');
    expect((nameAddr(m, 'To').uri as SipUri).user).toBe('null-\x00-null');
    expect((nameAddr(m, 'From').uri as SipUri).user).toBe('null-\x00-null');
    const contacts = m.headers.getAll('Contact').map((v) => ((parseContact(v) as NameAddr).uri as SipUri).user);
    expect(contacts).toEqual(['\x00', '\x00\x00']);
    expect(m.headers.get('Content-Length')).toBe('0');
  });

  it('esc02: treats % as an ordinary character where it is not an escape', () => {
    const m = request('esc02');
    expect(m.method).toBe('RE%47IST%45R');
    expect(nameAddr(m, 'To').displayName).toBe('%Z%45');
    expect(nameAddr(m, 'From').displayName).toBe('%Z%45');
    expect(viaBranch(parseVia(m.headers.get('Via')!))).toBe('z9hG4bK209%fzsnel234');
    expect(parseCSeq(m.headers.get('CSeq')!).method).toBe('RE%47IST%45R');
    // Two Contact values, not three: C%6Fntact is another header.
    expect(m.headers.getAll('Contact')).toEqual(['<sip:alias1@host1.example.com>', '<sip:alias3@host3.example.com>']);
    expect(m.headers.get('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
  });

  it('lwsdisp: accepts a display name token directly followed by <', () => {
    const from = nameAddr(request('lwsdisp'), 'From');
    expect(from.displayName).toBe('caller');
    expect((from.uri as SipUri).user).toBe('caller');
    expect(getParam(from.params, 'tag')).toBe('323');
  });

  it('longreq: keeps long values and 34 Via values written in every case of the name', () => {
    const m = request('longreq');
    const to = nameAddr(m, 'To');
    expect(to.displayName).toBe(`I have a user name of ${'extreme'.repeat(10)} proportion`);
    expect((to.uri as SipUri).port).toBe(6000);
    expect((to.uri as SipUri).params).toEqual([
      {
        name: 'unknownparam1',
        value: 'verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongvalue',
      },
      { name: `longparam${'name'.repeat(25)}`, value: 'shortvalue' },
      { name: `very${'long'.repeat(25)}ParameterNameWithNoValue`, value: null },
    ]);
    const from = nameAddr(m, 'From');
    expect((from.uri as SipUri).user).toBe('amazinglylongcallername'.repeat(5));
    expect(getParam(from.params, 'tag')).toBe(
      '12982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982424',
    );
    expect(m.headers.get('Call-ID')).toBe(`longreq.one${'really'.repeat(20)}longcallid`);
    const vias = m.headers.getAll('Via').map(parseVia);
    expect(vias).toHaveLength(34);
    expect(vias.slice(0, 33).map((v) => v.host)).toEqual(
      Array.from({ length: 33 }, (_, i) => `sip${33 - i}.example.com`),
    );
    const last = vias[33]!;
    expect(viaReceived(last)).toBe('192.0.2.5');
    expect(viaBranch(last)).toBe(`very${'long'.repeat(50)}branchvalue`);
    expect(m.headers.get(`Unknown-${'Long'.repeat(20)}-Name`)).toMatch(/^unknown-(long){20}-value; /);
    expect(m.body.length).toBe(150);
  });

  it('dblreq: takes the REGISTER and ignores the datagram octets after its Content-Length', () => {
    const m = request('dblreq');
    expect(m.method).toBe('REGISTER');
    expect(m.headers.get('Call-ID')).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    expect(m.body.length).toBe(0);
  });

  it('semiuri: the user part holds a semicolon and an escaped @', () => {
    const m = request('semiuri');
    expect(sipUri(m.uri)).toMatchObject({ user: 'user;par=u@example.net', host: 'example.com', params: [] });
    expect(m.headers.getAll('Accept')).toEqual([
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'multipart/signed',
      'message/sip',
      'message/sipfrag',
    ]);
  });

  it('transports: parses Via values for UDP, SCTP, TLS, an unknown transport and TCP', () => {
    const m = request('transports');
    expect(m.headers.getAll('Via').map((v) => parseVia(v).transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(m.headers.get('Call-ID')).toBe('transports.kijh4akdnaqjkwendsasfdj');
  });

  it('mpart01: frames a binary multipart body, NULs and all, by Content-Length', () => {
    const m = request('mpart01');
    expect(m.method).toBe('MESSAGE');
    const via = parseVia(m.headers.get('Via')!);
    expect([via.host, via.port, viaRport(via), viaBranch(via)]).toEqual([
      '127.0.0.1',
      5070,
      null,
      'z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-',
    ]);
    expect(nameAddr(m, 'Route').uri).toMatchObject({ host: '127.0.0.1', port: 5080 });
    expect(m.headers.get('Content-Type')).toBe('multipart/mixed;boundary=7a9cbec02ceef655');
    expect(m.body.length).toBe(553);
    expect(m.body.includes(0)).toBe(true);
    expect(text(m.body.subarray(0, 20))).toBe('--7a9cbec02ceef655\r\n');
    expect(text(m.body.subarray(553 - 24))).toBe('\r\n--7a9cbec02ceef655--\r\n');
  });

  it('unreason: keeps a UTF-8 Reason-Phrase', () => {
    const m = response('unreason');
    expect(m.status).toBe(200);
    expect(m.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(m.body.length).toBe(154);
  });

  it('noreason: accepts an empty Reason-Phrase after the required SP', () => {
    const m = response('noreason');
    expect([m.status, m.reason]).toEqual([100, '']);
    expect(getParam(nameAddr(m, 'To').params, 'tag')).toBe('902jndnke3');
  });
});

function rejection(name: string, transport: 'datagram' | 'stream' = 'datagram'): SipParseError {
  try {
    parseMessage(rfc4475(name), { transport });
  } catch (error) {
    if (error instanceof SipParseError) return error;
    throw error;
  }
  throw new Error(`${name} was accepted`);
}

describe('sip › RFC 4475 §3.1.2 invalid messages', () => {
  // [message, error code, status a server answers with, why]. Responses that fail to parse are dropped, not answered
  // (RFC 3261 §18.1.2), which is what the RFC asks for scalarlg and bigcode.
  const rejected: [string, string, number, string][] = [
    ['badinv01', 'PARLEY_SIP_BAD_HEADER_VALUE', 400, 'empty Via values and parameters'],
    ['clerr', 'PARLEY_SIP_TRUNCATED_BODY', 400, 'Content-Length beyond the datagram'],
    ['ncl', 'PARLEY_SIP_BAD_CONTENT_LENGTH', 400, 'negative Content-Length'],
    ['scalar02', 'PARLEY_SIP_BAD_HEADER_VALUE', 400, 'CSeq above 2**32-1 (reported before Max-Forwards)'],
    ['scalarlg', 'PARLEY_SIP_BAD_HEADER_VALUE', 400, 'response with CSeq above 2**32-1: dropped'],
    ['quotbal', 'PARLEY_SIP_BAD_HEADER_VALUE', 400, 'unterminated quoted string'],
    ['ltgtruri', 'PARLEY_SIP_BAD_URI', 400, 'Request-URI in <>'],
    ['lwsruri', 'PARLEY_SIP_MALFORMED_START_LINE', 400, 'LWS inside the Request-URI'],
    ['lwsstart', 'PARLEY_SIP_MALFORMED_START_LINE', 400, 'several SP between start-line elements'],
    ['trws', 'PARLEY_SIP_MALFORMED_START_LINE', 400, 'SP after SIP-Version'],
    ['escruri', 'PARLEY_SIP_BAD_URI', 400, 'escaped headers in the Request-URI'],
    ['regbadct', 'PARLEY_SIP_BAD_HEADER_VALUE', 400, 'Contact URI with ? outside <>'],
    ['badaspec', 'PARLEY_SIP_BAD_URI', 400, 'spaces inside <> in To'],
    ['baddn', 'PARLEY_SIP_BAD_HEADER_VALUE', 400, 'unquoted display name with a comma'],
    ['badvers', 'PARLEY_SIP_VERSION_NOT_SUPPORTED', 505, 'SIP/7.0'],
    ['mismatch01', 'PARLEY_SIP_CSEQ_METHOD_MISMATCH', 400, 'CSeq method differs from the method'],
    // The RFC prefers 501 for an unknown method with a mismatched CSeq and accepts 400; the parser cannot know
    // which methods the element implements, so it answers 400.
    ['mismatch02', 'PARLEY_SIP_CSEQ_METHOD_MISMATCH', 400, 'unknown method, CSeq method differs'],
    ['bigcode', 'PARLEY_SIP_MALFORMED_START_LINE', 400, 'status code not 3 digits: dropped'],
  ];

  it.each(rejected)('%s is rejected with %s (%i): %s', (name, code, status) => {
    const error = rejection(name);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.reason).toMatch(/^[\x20-\x7e]+$/);
  });

  it('clerr on a stream is not an error but an incomplete message: the framer waits for more bytes', async () => {
    const { SipStreamFramer } = await import('../../src/sip/index.js');
    const framer = new SipStreamFramer();
    expect(framer.push(rfc4475('clerr'))).toEqual([]);
    expect(framer.buffered).toBeGreaterThan(0);
  });

  it('baddate is left to whoever reads Date: the parser does not interpret Date, and accepts the message', () => {
    // RFC 4475 §3.1.2.12: rejecting is acceptable only if Date matters to the element; the gateway never reads it.
    const m = request('baddate');
    expect(m.headers.get('Date')).toBe('Fri, 01 Jan 2010 16:00:00 EST');
  });
});

describe('sip › RFC 4475 §3.2-3.3 messages the parser can or cannot decide', () => {
  it.each([
    ['insuf', 'PARLEY_SIP_MISSING_HEADER'],
    ['multi01', 'PARLEY_SIP_DUPLICATE_HEADER'],
    ['mcl01', 'PARLEY_SIP_DUPLICATE_HEADER'],
  ])('%s is rejected with %s (400)', (name, code) => {
    expect(rejection(name).code).toBe(code);
  });

  // Syntactically valid: what to do with them is the transaction layer's or the application's decision
  // (branch without id, broadcast sent-by, unsupported extensions, unknown schemes, bodies or auth schemes, ...).
  it.each([
    'badbranch',
    'bcast',
    'bext01',
    'cparam01',
    'cparam02',
    'inv2543',
    'invut',
    'novelsc',
    'regaut01',
    'regescrt',
    'sdp01',
    'unkscm',
    'unksm2',
    'zeromf',
  ])('%s parses (its handling belongs above the parser)', (name) => {
    expect(() => parseMessage(rfc4475(name))).not.toThrow();
  });

  it('badbranch: a branch of just the magic cookie is kept as is', () => {
    expect(viaBranch(parseVia(request('badbranch').headers.get('Via')!))).toBe('z9hG4bK');
  });

  it('inv2543: without Content-Length a datagram body is the rest of the datagram', () => {
    const m = request('inv2543');
    expect(m.body.length).toBe(105);
    expect(() => parseMessage(rfc4475('inv2543'), { transport: 'stream' })).toThrow(SipParseError);
  });

  it('cparam01 and cparam02: a parameter after an addr-spec belongs to the header, inside <> to the URI', () => {
    const c1 = parseContact(request('cparam01').headers.get('Contact')!) as NameAddr;
    const c2 = parseContact(request('cparam02').headers.get('Contact')!) as NameAddr;
    expect([c1.params, (c1.uri as SipUri).params]).toEqual([[{ name: 'unknownparam', value: null }], []]);
    expect([c2.params, (c2.uri as SipUri).params]).toEqual([[], [{ name: 'unknownparam', value: null }]]);
  });

  it('unkscm and novelsc: Request-URIs of unknown schemes stay opaque', () => {
    expect(parseUri(request('unkscm').uri)).toEqual({
      scheme: 'nobodyKnowsThisScheme',
      opaque: 'totallyopaquecontent',
    });
    expect(parseUri(request('novelsc').uri)).toEqual({ scheme: 'soap.beep', opaque: '//192.0.2.103:3002' });
  });
});
