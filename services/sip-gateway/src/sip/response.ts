// Builds a response to a request as RFC 3261 §8.2.6 says: Via (all, in order), From, To, Call-ID and CSeq copied;
// a To tag added to every response but 100 when the request had none (the UAS's tag identifies its dialog side).
import { Headers } from './headers.js';
import { SIP_VERSION, type SipRequest, type SipResponse } from './message.js';

/** Reason phrases of the responses Parley sends (RFC 3261 §21 and extensions). */
const reasons: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  422: 'Session Interval Too Small',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return reasons[status] ?? (status < 200 ? 'Progress' : status < 300 ? 'OK' : 'Error');
}

export interface ResponseOptions {
  reason?: string;
  /** The UAS's tag for the To header (when the request's To has none). */
  toTag?: string;
  /** Extra headers, appended after the copied ones (Contact, Content-Type, Retry-After, ...). */
  headers?: [name: string, value: string][];
  body?: Uint8Array;
}

export function createResponse(request: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const headers = new Headers();
  for (const via of request.headers.getAll('Via')) headers.append('Via', via);
  const copy = (name: string) => {
    const value = request.headers.get(name);
    if (value !== undefined) headers.append(name, value);
  };
  copy('From');
  const to = request.headers.get('To') ?? '';
  const needsTag = status > 100 && options.toTag !== undefined && !/;\s*tag\s*=/i.test(to);
  headers.append('To', needsTag ? `${to};tag=${options.toTag}` : to);
  copy('Call-ID');
  copy('CSeq');
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  return {
    kind: 'response',
    version: SIP_VERSION,
    status,
    reason: options.reason ?? reasonPhrase(status),
    headers,
    body: options.body ?? new Uint8Array(0),
  };
}
