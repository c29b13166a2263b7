// What every transport does to what it receives (RFC 3261 §18.2.1, RFC 3581), and how it answers a request that
// does not parse: the header lines read one by one, enough to route a response, the rest ignored.
import { SipParseError } from '../sip/errors.js';
import { Headers } from '../sip/headers.js';
import { SIP_VERSION, type SipMessage, type SipRequest, type SipResponse } from '../sip/message.js';
import { parseMessage, type SipLimits } from '../sip/parser.js';
import { parseVia, serializeVia, viaRport } from '../sip/via.js';

const decoder = new TextDecoder();

/** `received` when the Via's host is not where the request came from; RFC 3581: fill an empty `rport`. */
export function stampVia(request: SipRequest, source: { address: string; port: number }): void {
  const values = request.headers.getAll('Via');
  const top = values[0];
  if (top === undefined) throw new Error('no Via');
  const via = parseVia(top);
  const rport = viaRport(via);
  let params = via.params;
  if (via.host !== source.address || rport === null)
    params = [
      ...params.filter((p) => p.name.toLowerCase() !== 'received'),
      { name: 'received', value: source.address },
    ];
  if (rport === null)
    params = params.map((p) => (p.name.toLowerCase() === 'rport' ? { name: p.name, value: String(source.port) } : p));
  if (params === via.params) return;
  const stamped = serializeVia({ ...via, params });
  request.headers.delete('Via');
  request.headers.append('Via', stamped);
  for (const rest of values.slice(1)) request.headers.append('Via', rest);
}

/** The error response for a request that failed to parse, or undefined when it cannot be routed (or is a response). */
export function responseToUnparsable(data: Uint8Array, error: SipParseError): SipResponse | undefined {
  const text = decoder.decode(data.subarray(0, Math.min(data.length, 16_384)));
  if (text.startsWith('SIP/')) return undefined; // a response: dropped (§18.1.2)
  const headers = new Headers();
  // Any line break counts here (a lone CR or LF is often why the message failed); a value with control characters
  // left in it is not echoed back.
  const lines = text.split(/\r\n|\r|\n/);
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    const line = lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    const value = line?.slice(name.length + 1).trim();
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (!value || /[\x00-\x1f\x7f]/.test(value)) return undefined;
    headers.append(name, value);
  }
  try {
    parseVia(headers.get('Via') ?? '');
  } catch {
    return undefined; // not even a Via to answer to
  }
  return {
    kind: 'response',
    version: SIP_VERSION,
    status: error.status,
    reason: error.reason,
    headers,
    body: new Uint8Array(0),
  };
}

export interface IncomingHandlers<Source> {
  limits?: Partial<SipLimits> | undefined;
  onRequest(request: SipRequest, source: Source): void;
  onResponse?(response: SipResponse, source: Source): void;
  onRejected?(source: Source, reason: string): void;
}

/**
 * One received message, for either transport: parsed (a request that does not parse is answered through `reply`
 * when it can be routed), its Via stamped, then handed to the request or response handler.
 */
export function dispatchIncoming<Source extends { address: string; port: number }>(
  bytes: Uint8Array,
  framing: 'datagram' | 'stream',
  source: Source,
  handlers: IncomingHandlers<Source>,
  reply: (response: SipResponse) => void,
): void {
  let message: SipMessage;
  try {
    message = parseMessage(bytes, { transport: framing, ...(handlers.limits ? { limits: handlers.limits } : {}) });
  } catch (error) {
    handlers.onRejected?.(source, error instanceof SipParseError ? error.reason : 'unparsable');
    const response = error instanceof SipParseError ? responseToUnparsable(bytes, error) : undefined;
    if (response) reply(response);
    return;
  }
  if (message.kind === 'response') {
    handlers.onResponse?.(message, source);
    return;
  }
  try {
    stampVia(message, source);
  } catch {
    handlers.onRejected?.(source, 'bad Via');
    return;
  }
  handlers.onRequest(message, source);
}
