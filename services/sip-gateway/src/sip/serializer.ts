// Writes a SipMessage in canonical form: CRLF line ends, one field per line, Content-Length always set from the
// body (in place of an existing one, else last), so parseMessage(serializeMessage(m)) gives m back.
import { type SipMessage } from './message.js';

const encoder = new TextEncoder();

export function serializeMessage(message: SipMessage): Uint8Array {
  const startLine =
    message.kind === 'request'
      ? `${message.method} ${message.uri} ${message.version}`
      : `${message.version} ${message.status} ${message.reason}`;
  let head = `${startLine}\r\n`;
  let wroteLength = false;
  for (const field of message.headers.fields) {
    if (/[\r\n]/.test(field.name) || /[\r\n]/.test(field.value)) {
      throw new Error(`header ${JSON.stringify(field.name)} contains CR or LF`);
    }
    if (field.name === 'Content-Length') {
      if (wroteLength) continue;
      wroteLength = true;
      head += `Content-Length: ${message.body.length}\r\n`;
    } else {
      head += `${field.name}: ${field.value}\r\n`;
    }
  }
  if (!wroteLength) head += `Content-Length: ${message.body.length}\r\n`;
  head += '\r\n';
  const headBytes = encoder.encode(head);
  const out = new Uint8Array(headBytes.length + message.body.length);
  out.set(headBytes);
  out.set(message.body, headBytes.length);
  return out;
}
