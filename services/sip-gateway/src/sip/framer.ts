// Frames SIP messages on a stream transport (TCP, TLS): whole messages out of arbitrary chunks, by Content-Length
// (RFC 3261 §18.3), with size limits so a peer cannot make the gateway buffer without bound.
import { SipParseError } from './errors.js';
import {
  findHeaderEnd,
  headerLines,
  leadingCrlfBytes,
  splitHeaderLine,
  type SipLimits,
  defaultSipLimits,
} from './parser.js';
import { parseContentLength } from './scalar-headers.js';

/**
 * Feed it the chunks of one connection; it returns each complete message's bytes, for parseMessage(frame,
 * { transport: 'stream' }). After it throws, the stream cannot be re-synchronised: close the connection (every
 * later push throws the same error).
 */
export class SipStreamFramer {
  readonly #limits: SipLimits;
  #buffer: Uint8Array = new Uint8Array(0);
  #failure: SipParseError | undefined;

  constructor(limits: Partial<SipLimits> = {}) {
    this.#limits = { ...defaultSipLimits, ...limits };
  }

  /** Bytes received but not yet returned as a message. */
  get buffered(): number {
    return this.#buffer.length;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure) throw this.#failure;
    try {
      return this.#push(chunk);
    } catch (error) {
      this.#failure =
        error instanceof SipParseError
          ? error
          : new SipParseError('PARLEY_SIP_MALFORMED_HEADER', 'unframeable stream', { cause: error });
      this.#buffer = new Uint8Array(0);
      throw this.#failure;
    }
  }

  #push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    let buffer = joined;
    const frames: Uint8Array[] = [];
    for (;;) {
      // CRLFs between messages are keep-alives (RFC 5626 §3.5.1) or allowed padding (RFC 3261 §7.5).
      buffer = buffer.subarray(leadingCrlfBytes(buffer, 0));
      // Only whole CRLF pairs are skipped: a trailing lone CR may be half of one, so it waits for more bytes.
      const end = findHeaderEnd(buffer, 0);
      if (end < 0) {
        if (buffer.length > this.#limits.maxHeaderBytes + 3) {
          throw new SipParseError('PARLEY_SIP_MESSAGE_TOO_LARGE', 'header section too large');
        }
        break;
      }
      if (end > this.#limits.maxHeaderBytes) {
        throw new SipParseError('PARLEY_SIP_MESSAGE_TOO_LARGE', 'header section too large');
      }
      const length = contentLength(buffer.subarray(0, end));
      const total = end + 4 + length;
      if (total > this.#limits.maxMessageBytes)
        throw new SipParseError('PARLEY_SIP_MESSAGE_TOO_LARGE', 'message too large');
      if (buffer.length < total) break;
      frames.push(buffer.slice(0, total));
      buffer = buffer.subarray(total);
    }
    this.#buffer = buffer.slice();
    return frames;
  }
}

function contentLength(head: Uint8Array): number {
  // latin1 maps bytes one-to-one; the full UTF-8 check happens in parseMessage.
  const lines = headerLines(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1'));
  const values = lines
    .slice(1)
    .map((line) => splitHeaderLine(line))
    .filter((field) => field.name === 'Content-Length')
    .map((field) => field.value);
  if (values.length === 0) throw new SipParseError('PARLEY_SIP_BAD_CONTENT_LENGTH', 'missing Content-Length');
  if (values.length > 1) throw new SipParseError('PARLEY_SIP_DUPLICATE_HEADER', 'duplicate Content-Length');
  return parseContentLength(values[0] as string);
}
