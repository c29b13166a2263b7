// What the gateway needs from the media service for a call's audio: an RTP endpoint allocated for the negotiated
// offer (its address and port go into the 200's SDP), released when the call ends. The gateway talks to media only
// through this port, so the signalling benchmark and unit tests run without it.
import type { AnsweredCall } from '../events/call-events.js';
import type { NegotiatedAudio } from '../sdp/offer-answer.js';

export interface CallMediaEndpoint {
  endpointId: string;
  address: string;
  port: number;
}

export interface CallMedia {
  /** Allocates the call's endpoint; `audio` is the negotiated offer (undefined when we make the offer). */
  open(call: AnsweredCall, audio: NegotiatedAudio | undefined): Promise<CallMediaEndpoint>;
  /** Releases it (idempotent); `reason` goes into media's event ("bye", "cancelled", "unconfirmed"). */
  close(endpointId: string, reason: string): Promise<void>;
}
