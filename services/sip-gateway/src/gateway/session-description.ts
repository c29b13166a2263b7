// The SDP the gateway sends in a 200: the answer to the caller's offer (sdp/offer-answer.ts), or, when the INVITE
// carried none, our own offer (answered in the ACK). Session id per call, version raised by each re-INVITE.
import type { SipRequest } from '../sip/message.js';
import { answerOffer, type NegotiatedAudio } from '../sdp/offer-answer.js';

const decoder = new TextDecoder();

export interface SessionDescription {
  sdp: string;
  /** The caller's offer put the call on hold. */
  held: boolean;
  /** What was agreed with the caller's offer; undefined when the INVITE had none (ours is the offer). */
  audio: NegotiatedAudio | undefined;
}

/** Throws SdpNegotiationError (400/488) for an offer that cannot be answered. */
export function sessionDescription(
  invite: SipRequest,
  media: { address: string; port: number },
  sessionId: number,
  sessionVersion: number,
): SessionDescription {
  const local = { ...media, codecs: ['PCMU', 'PCMA'] as const, sessionId, sessionVersion };
  if (invite.body.length > 0) {
    const { answer, audio } = answerOffer(decoder.decode(invite.body), local);
    return { sdp: answer, held: audio.held, audio };
  }
  const { address, port } = media;
  const sdp =
    `v=0\r\no=parley ${sessionId} ${sessionVersion} IN IP4 ${address}\r\ns=parley\r\nc=IN IP4 ${address}\r\n` +
    `t=0 0\r\nm=audio ${port} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n` +
    `a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n`;
  return { sdp, held: false, audio: undefined };
}
