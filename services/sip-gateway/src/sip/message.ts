// The parsed shape of a SIP message: start line, ordered headers, body as bytes.
import { type Headers } from './headers.js';

export const SIP_VERSION = 'SIP/2.0';

export interface SipRequest {
  kind: 'request';
  /** Case-sensitive token; unknown methods are kept as written (RFC 3261 §7.1). */
  method: string;
  /** The Request-URI as written; parseUri(uri) gives its parts (the parser has checked it parses). */
  uri: string;
  version: string;
  headers: Headers;
  body: Uint8Array;
}

export interface SipResponse {
  kind: 'response';
  version: string;
  status: number;
  /** May be empty (RFC 4475 §3.1.1.13, noreason) or non-ASCII UTF-8 (§3.1.1.12, unreason). */
  reason: string;
  headers: Headers;
  body: Uint8Array;
}

export type SipMessage = SipRequest | SipResponse;
