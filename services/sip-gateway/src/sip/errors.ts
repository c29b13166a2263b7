// The one error the SIP message layer throws: a stable code, a reason fit for a response's Reason-Phrase, and the
// status a server answers with (RFC 3261 §21). Every code is listed in sipErrorCodes with what it means.

export const sipErrorCodes = {
  PARLEY_SIP_MESSAGE_TOO_LARGE: { status: 513, description: 'the message is larger than the configured limit' },
  PARLEY_SIP_TOO_MANY_HEADERS: { status: 400, description: 'more header fields than the configured limit' },
  PARLEY_SIP_INCOMPLETE_MESSAGE: { status: 400, description: 'the header section has no terminating empty line' },
  PARLEY_SIP_INVALID_ENCODING: { status: 400, description: 'the header section is not valid UTF-8' },
  PARLEY_SIP_BAD_LINE_ENDING: { status: 400, description: 'a CR or LF outside a CRLF line ending' },
  PARLEY_SIP_MALFORMED_START_LINE: { status: 400, description: 'the Request-Line or Status-Line does not parse' },
  PARLEY_SIP_VERSION_NOT_SUPPORTED: { status: 505, description: 'a SIP version other than SIP/2.0' },
  PARLEY_SIP_BAD_URI: { status: 400, description: 'a URI (Request-URI or inside a header) does not parse' },
  PARLEY_SIP_MALFORMED_HEADER: { status: 400, description: 'a header line has no valid name and colon' },
  PARLEY_SIP_BAD_HEADER_VALUE: { status: 400, description: 'a header value does not match its grammar' },
  PARLEY_SIP_MISSING_HEADER: {
    status: 400,
    description: 'a mandatory header (Via, From, To, Call-ID, CSeq) is absent',
  },
  PARLEY_SIP_DUPLICATE_HEADER: { status: 400, description: 'a single-valued header appears more than once' },
  PARLEY_SIP_CSEQ_METHOD_MISMATCH: { status: 400, description: "the CSeq method differs from the request's method" },
  PARLEY_SIP_BAD_CONTENT_LENGTH: { status: 400, description: 'Content-Length is not a number, or missing on a stream' },
  PARLEY_SIP_TRUNCATED_BODY: { status: 400, description: 'a datagram holds fewer body bytes than Content-Length says' },
} as const satisfies Record<string, { status: number; description: string }>;

export type SipErrorCode = keyof typeof sipErrorCodes;

/** Thrown for any input the parser, framer or header parsers reject; never anything else. */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  /** Status code to answer a request with (responses that fail to parse are dropped, RFC 3261 §18.1.2). */
  readonly status: number;

  constructor(
    readonly code: SipErrorCode,
    /** Short, ASCII, safe to put in a Reason-Phrase: e.g. "bad Content-Length". */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${reason}`, options);
    this.status = sipErrorCodes[code].status;
  }
}
