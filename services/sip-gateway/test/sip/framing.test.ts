// Parsing limits and stream framing: TCP chunks in, whole messages out, bounded buffering.
import { describe, expect, it } from 'vitest';
import { SipParseError, SipStreamFramer, parseMessage, serializeMessage } from '../../src/sip/index.js';
import { rfc4475 } from './support/rfc4475.js';

const options = (body = ''): Uint8Array =>
  Buffer.from(
    'OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n' +
      'From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: 1@h\r\nCSeq: 1 OPTIONS\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SipParseError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('sip › parse limits', () => {
  it('rejects messages, header sections and header counts over the limits', () => {
    expect(code(() => parseMessage(options('x'.repeat(100)), { limits: { maxMessageBytes: 100 } }))).toBe(
      'PARLEY_SIP_MESSAGE_TOO_LARGE',
    );
    expect(code(() => parseMessage(options(), { limits: { maxHeaderBytes: 50 } }))).toBe(
      'PARLEY_SIP_MESSAGE_TOO_LARGE',
    );
    expect(code(() => parseMessage(options(), { limits: { maxHeaders: 3 } }))).toBe('PARLEY_SIP_TOO_MANY_HEADERS');
  });

  it('rejects bare LF, missing end of headers, and non-UTF-8 header bytes', () => {
    expect(code(() => parseMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\nVia: x\r\n\r\n')))).toBe(
      'PARLEY_SIP_BAD_LINE_ENDING',
    );
    expect(code(() => parseMessage(options().subarray(0, 60)))).toBe('PARLEY_SIP_INCOMPLETE_MESSAGE');
    const bad = Buffer.from(options());
    bad[10] = 0xff;
    expect(code(() => parseMessage(bad))).toBe('PARLEY_SIP_INVALID_ENCODING');
  });

  it('skips CRLFs before the start line', () => {
    expect(parseMessage(Buffer.concat([Buffer.from('\r\n\r\n'), options()])).kind).toBe('request');
  });
});

describe('sip › stream framer', () => {
  it('yields whole messages from arbitrary chunks, skipping CRLF keep-alives', () => {
    const stream = Buffer.concat([
      Buffer.from('\r\n\r\n'),
      options('hello'),
      Buffer.from('\r\n'),
      rfc4475('mpart01'),
      options(),
    ]);
    for (const size of [1, 7, 64, stream.length]) {
      const framer = new SipStreamFramer();
      const frames: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += size) frames.push(...framer.push(stream.subarray(i, i + size)));
      const messages = frames.map((frame) => parseMessage(frame, { transport: 'stream' }));
      expect(messages.map((m) => m.body.length)).toEqual([5, 553, 0]);
      expect(framer.buffered).toBe(0);
    }
  });

  it('waits for a body that has not arrived, then returns it', () => {
    const framer = new SipStreamFramer();
    const message = options('0123456789');
    expect(framer.push(message.subarray(0, message.length - 4))).toEqual([]);
    const [frame] = framer.push(message.subarray(message.length - 4));
    expect(Buffer.from(frame!.slice(-10)).toString()).toBe('0123456789');
  });

  it('fails, and stays failed, on a missing Content-Length or a header section over the limit', () => {
    const noLength = new SipStreamFramer();
    const message = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n');
    expect(code(() => noLength.push(message))).toBe('PARLEY_SIP_BAD_CONTENT_LENGTH');
    expect(code(() => noLength.push(options()))).toBe('PARLEY_SIP_BAD_CONTENT_LENGTH');

    const flood = new SipStreamFramer({ maxHeaderBytes: 1024 });
    expect(code(() => flood.push(Buffer.alloc(2000, 'a')))).toBe('PARLEY_SIP_MESSAGE_TOO_LARGE');

    const big = new SipStreamFramer({ maxMessageBytes: 1000 });
    expect(code(() => big.push(Buffer.from(options('x'.repeat(2000)).subarray(0, 300))))).toBe(
      'PARLEY_SIP_MESSAGE_TOO_LARGE',
    );
  });

  it('frames what the serializer writes', () => {
    const message = parseMessage(options('body'));
    const framer = new SipStreamFramer();
    const frames = framer.push(Buffer.concat([serializeMessage(message), serializeMessage(message)]));
    expect(frames.map((f) => parseMessage(f, { transport: 'stream' }))).toEqual([message, message]);
  });
});
