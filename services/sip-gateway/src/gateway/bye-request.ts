// Our requests inside a call we answered (RFC 3261 §12.2.1.1) — the BYE that ends it (§15.1.1), an INFO carrying a
// key: to the caller's Contact (the remote target), From our side of the dialog (the INVITE's To with our tag), To
// the caller (the INVITE's From with its tag), the dialog's Call-ID, our own CSeq space, a new branch. Route sets
// are the INVITE's Record-Route entries in order (§12.1.1, loose routing); the request goes to the hop the INVITE
// came from, which is the first of those proxies (a carrier's SBC) — strict routers (no ;lr) are not supported.
import { Headers } from '../sip/headers.js';
import type { SipRequest } from '../sip/message.js';
import { newBranch } from '../sip/transaction/client-transaction-layer.js';

export interface ByeDialog {
  invite: SipRequest;
  /** Our tag (the To tag of our 200). */
  localTag: string;
  /** Our CSeq for this request (our requests in the dialog count from 1). */
  cseq: number;
  /** How we appear in Via: transport, host and port of the socket the call came in on. */
  via: { transport: 'UDP' | 'TCP' | 'TLS'; host: string; port: number };
  /** Why, as a Reason header (RFC 3326), e.g. 'Q.850;cause=16;text="normal call clearing"'. */
  reason?: string;
}

const encoder = new TextEncoder();

export function byeRequest(dialog: ByeDialog): SipRequest {
  return inDialogRequest(dialog, 'BYE');
}

/** A request of ours in the dialog, with an optional body of `contentType`. */
export function inDialogRequest(
  dialog: ByeDialog,
  method: string,
  body?: { contentType: string; text: string },
): SipRequest {
  const { invite, localTag, via } = dialog;
  const contact = invite.headers.get('Contact') ?? '';
  // The caller's Contact URI, or the INVITE's From URI when it sent none.
  const target =
    /<([^>]+)>/.exec(contact)?.[1] ??
    (contact.trim() || /<([^>]+)>/.exec(invite.headers.get('From') ?? '')?.[1] || invite.uri);
  const headers = new Headers([
    { name: 'Via', value: `SIP/2.0/${via.transport} ${via.host}:${via.port};branch=${newBranch()};rport` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `${invite.headers.get('To') ?? ''};tag=${localTag}` },
    { name: 'To', value: invite.headers.get('From') ?? '' },
    { name: 'Call-ID', value: invite.headers.get('Call-ID') ?? '' },
    { name: 'CSeq', value: `${dialog.cseq} ${method}` },
  ]);
  for (const route of invite.headers.getAll('Record-Route')) headers.append('Route', route);
  if (dialog.reason) headers.append('Reason', dialog.reason);
  if (body) headers.append('Content-Type', body.contentType);
  const bytes = encoder.encode(body?.text ?? '');
  headers.append('Content-Length', String(bytes.length));
  return { kind: 'request', method, uri: target.trim(), version: 'SIP/2.0', headers, body: bytes };
}
