// The small fixed-grammar headers: CSeq, Max-Forwards, Content-Length, Call-ID (RFC 3261 §20.8, §20.14, §20.16,
// §20.22).
import { DIGITS, WORD, fail, isToken, trimLws } from './grammar.js';

export interface CSeq {
  seq: number;
  method: string;
}

const MAX_CSEQ = 2 ** 32 - 1;

export function parseCSeq(value: string): CSeq {
  const match = /^([0-9]+)[ \t]+(\S+)$/.exec(trimLws(value));
  if (!match) fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad CSeq');
  const [, digits, method] = match as unknown as [string, string, string];
  // RFC 3261 §8.1.1.5: the sequence number is a 32-bit unsigned integer (RFC 4475 §3.1.2.4, scalar02).
  if (digits.replace(/^0+/, '').length > 10 || Number(digits) > MAX_CSEQ) {
    fail('PARLEY_SIP_BAD_HEADER_VALUE', 'CSeq out of range');
  }
  if (!isToken(method)) fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad CSeq method');
  return { seq: Number(digits), method };
}

export function serializeCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}

export function parseMaxForwards(value: string): number {
  const text = trimLws(value);
  // RFC 3261 §20.22: an integer in the range 0-255.
  if (!DIGITS.test(text) || text.replace(/^0+/, '').length > 3 || Number(text) > 255) {
    fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Max-Forwards');
  }
  return Number(text);
}

export function parseContentLength(value: string): number {
  const text = trimLws(value);
  if (!DIGITS.test(text) || text.replace(/^0+/, '').length > 15)
    fail('PARLEY_SIP_BAD_CONTENT_LENGTH', 'bad Content-Length');
  return Number(text);
}

/** callid = word [ "@" word ] */
export function parseCallId(value: string): string {
  const text = trimLws(value);
  const parts = text.split('@');
  if (parts.length > 2 || parts.some((p) => p.length === 0 || [...p].some((c) => !WORD.has(c)))) {
    fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Call-ID');
  }
  return text;
}
