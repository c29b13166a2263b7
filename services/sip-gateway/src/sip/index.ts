// The SIP message layer: types, parser, stream framer, serializer and structured header parsers. No I/O.
export { SipParseError, sipErrorCodes, type SipErrorCode } from './errors.js';
export { type GenericParam, getParam } from './grammar.js';
export { Headers, type HeaderField, canonicalHeaderName } from './headers.js';
export { SIP_VERSION, type SipMessage, type SipRequest, type SipResponse } from './message.js';
export { type ContactValue, type NameAddr, parseContact, parseNameAddr, serializeNameAddr } from './name-addr.js';
export { type ParseOptions, type SipLimits, defaultSipLimits, parseMessage } from './parser.js';
export { SipStreamFramer } from './framer.js';
export {
  type CSeq,
  parseCSeq,
  parseCallId,
  parseContentLength,
  parseMaxForwards,
  serializeCSeq,
} from './scalar-headers.js';
export { serializeMessage } from './serializer.js';
export {
  type AbsoluteUri,
  type SipUri,
  type TelUri,
  type Uri,
  type UriParam,
  isSipUri,
  isTelUri,
  parseUri,
  serializeUri,
  uriParam,
} from './uri.js';
export { type Via, parseVia, serializeVia, viaBranch, viaReceived, viaRport } from './via.js';
