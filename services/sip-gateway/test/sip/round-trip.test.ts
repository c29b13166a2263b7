// serializeMessage writes canonical messages that parse back to what was serialized.
import { describe, expect, it } from 'vitest';
import { Headers, type SipRequest, parseMessage, serializeMessage } from '../../src/sip/index.js';
import { rfc4475 } from './support/rfc4475.js';

const VALID = ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'dblreq', 'semiuri'];
const MORE_VALID = ['transports', 'mpart01', 'unreason', 'noreason', 'inv2543', 'bcast', 'regescrt'];

describe('sip › serializer', () => {
  it.each([...VALID, ...MORE_VALID])('re-serializes %s to a message that parses to the same value', (name) => {
    const parsed = parseMessage(rfc4475(name));
    const bytes = serializeMessage(parsed);
    // inv2543 has no Content-Length; the serializer always writes one.
    const expected = { ...parsed, headers: parsed.headers.clone().set('Content-Length', String(parsed.body.length)) };
    expect(parseMessage(bytes, { transport: 'stream' })).toEqual(expected);
    expect(serializeMessage(parseMessage(bytes))).toEqual(bytes);
    const head = Buffer.from(bytes.subarray(0, bytes.length - parsed.body.length)).toString('latin1');
    expect(head).not.toMatch(/[^\r]\n/);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
  });

  it('sets Content-Length from the body, in place of a wrong one, or last when absent', () => {
    const message: SipRequest = {
      kind: 'request',
      method: 'MESSAGE',
      uri: 'sip:a@example.com',
      version: 'SIP/2.0',
      headers: new Headers([
        { name: 'Via', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' },
        { name: 'l', value: '999' },
        { name: 'From', value: '<sip:b@example.com>;tag=1' },
        { name: 'To', value: '<sip:a@example.com>' },
        { name: 'Call-ID', value: 'x' },
        { name: 'CSeq', value: '1 MESSAGE' },
      ]),
      body: new TextEncoder().encode('hi'),
    };
    const text = Buffer.from(serializeMessage(message)).toString();
    expect(text).toBe(
      'MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 2\r\n' +
        'From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\n\r\nhi',
    );
    message.headers.delete('Content-Length');
    expect(Buffer.from(serializeMessage(message)).toString()).toMatch(
      /CSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\nhi$/,
    );
  });

  it('refuses to write a header value that would inject a line', () => {
    const message = parseMessage(rfc4475('lwsdisp'));
    message.headers.append('Subject', 'a\r\nVia: forged');
    expect(() => serializeMessage(message)).toThrow(/CR or LF/);
  });
});
