// Via header values (RFC 3261 §20.42, §18.2.1; rport: RFC 3581).
import {
  type GenericParam,
  DIGITS,
  fail,
  getParam,
  isToken,
  isWsp,
  parseGenericParams,
  serializeGenericParams,
  skipWsp,
} from './grammar.js';
import { parseHostPort } from './uri.js';

export interface Via {
  protocol: string;
  version: string;
  /** Upper-cased: UDP, TCP, TLS, SCTP, WS, or any other token. */
  transport: string;
  host: string;
  port?: number;
  params: GenericParam[];
}

/** Parses one (already comma-split) via-parm: sent-protocol LWS sent-by *( SEMI via-params ). */
export function parseVia(value: string): Via {
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, where SLASH = SWS "/" SWS.
  const parts: string[] = [];
  let i = skipWsp(value, 0);
  for (let k = 0; k < 3; k++) {
    let j = i;
    while (j < value.length && value[j] !== '/' && !isWsp(value[j])) j++;
    parts.push(value.slice(i, j));
    i = skipWsp(value, j);
    if (k < 2) {
      if (value[i] !== '/') fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Via');
      i = skipWsp(value, i + 1);
    }
  }
  const [protocol, version, transport] = parts as [string, string, string];
  if (!isToken(protocol) || !isToken(version) || !isToken(transport)) fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Via');
  if (i === 0 || !isWsp(value[i - 1])) fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Via');
  // sent-by = host [ COLON port ]; COLON = SWS ":" SWS.
  let j = i;
  if (value[j] === '[') j = value.indexOf(']', j) + 1 || value.length;
  while (j < value.length && value[j] !== ';' && value[j] !== ':' && !isWsp(value[j])) j++;
  let sentBy = value.slice(i, j);
  i = skipWsp(value, j);
  if (value[i] === ':') {
    i = skipWsp(value, i + 1);
    j = i;
    while (j < value.length && /[0-9]/.test(value[j] as string)) j++;
    sentBy += `:${value.slice(i, j)}`;
    i = j;
  }
  if (sentBy === '') fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Via sent-by');
  let hostPort: { host: string; port?: number };
  try {
    hostPort = parseHostPort(sentBy, 'Via');
  } catch {
    fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Via sent-by');
  }
  const params = parseGenericParams(value, i, 'Via');
  const rport = getParam(params, 'rport');
  if (rport !== undefined && rport !== null && !DIGITS.test(rport))
    fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Via rport');
  const ttl = getParam(params, 'ttl');
  if (ttl !== undefined && (ttl === null || !DIGITS.test(ttl) || Number(ttl) > 255)) {
    fail('PARLEY_SIP_BAD_HEADER_VALUE', 'bad Via ttl');
  }
  const via: Via = { protocol, version, transport: transport.toUpperCase(), host: hostPort.host, params };
  if (hostPort.port !== undefined) via.port = hostPort.port;
  return via;
}

export function serializeVia(via: Via): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `${via.protocol}/${via.version}/${via.transport} ${via.host}${port}${serializeGenericParams(via.params)}`;
}

export function viaBranch(via: Via): string | undefined {
  return getParam(via.params, 'branch') ?? undefined;
}

export function viaReceived(via: Via): string | undefined {
  return getParam(via.params, 'received') ?? undefined;
}

/** undefined: no rport; null: rport present without a value (a request asking for it); a number: the port filled. */
export function viaRport(via: Via): number | null | undefined {
  const value = getParam(via.params, 'rport');
  return value === undefined || value === null ? value : Number(value);
}
