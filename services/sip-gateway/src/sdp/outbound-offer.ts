// SDP for calls Parley places (RFC 3264 §5 and §6 from the offerer's side): the offer names our media endpoint with
// exactly the codec the other leg of the bridge already uses (nothing is transcoded, so nothing else would do) and
// telephone-event; the answer must accept that codec on a live audio stream, or the call cannot be bridged.
import { write, type SessionDescription } from 'sdp-transform';
import { chooseCodec, parseSdp, SdpNegotiationError, type G711, type NegotiatedAudio } from './offer-answer.js';

export interface OfferedMedia {
  /** Where our RTP endpoint listens. */
  address: string;
  port: number;
  codec: G711;
  /** The static payload type of the codec (0 PCMU, 8 PCMA). */
  payloadType: number;
  telephoneEventPayloadType: number;
  sessionId: number;
  sessionVersion: number;
}

export function createOffer(local: OfferedMedia): string {
  const ipVer = local.address.includes(':') ? 6 : 4;
  const offer: SessionDescription = {
    version: 0,
    origin: {
      username: 'parley',
      sessionId: local.sessionId,
      sessionVersion: local.sessionVersion,
      netType: 'IN',
      ipVer,
      address: local.address,
    },
    name: 'parley',
    connection: { version: ipVer, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: local.port,
        protocol: 'RTP/AVP',
        payloads: `${local.payloadType} ${local.telephoneEventPayloadType}`,
        rtp: [
          { payload: local.payloadType, codec: local.codec, rate: 8000 },
          { payload: local.telephoneEventPayloadType, codec: 'telephone-event', rate: 8000 },
        ],
        fmtp: [{ payload: local.telephoneEventPayloadType, config: '0-15' }],
        ptime: 20,
        direction: 'sendrecv',
      },
    ],
  };
  return write(offer);
}

/** The answerer's side of the audio stream; SdpNegotiationError (488) when it refused it or chose another codec. */
export function readAnswer(answerText: string, offered: OfferedMedia): NegotiatedAudio {
  const answer = parseSdp(answerText);
  const media = answer.media.find((m) => m.type === 'audio');
  if (!media || media.port === 0) throw new SdpNegotiationError(488, 'the answer refused the audio stream');
  const chosen = chooseCodec(media, [offered.codec]);
  if (!chosen) throw new SdpNegotiationError(488, `the answer does not accept ${offered.codec}`);
  const address = media.connection?.ip ?? answer.connection?.ip;
  if (!address) throw new SdpNegotiationError(400, 'the answer has no connection address (c=)');
  const direction = (media.direction ?? answer.direction ?? 'sendrecv') as NegotiatedAudio['direction'];
  const events = media.rtp.find((rtp) => rtp.codec.toLowerCase() === 'telephone-event');
  return {
    remoteAddress: address,
    remotePort: media.port,
    codec: chosen.codec,
    payloadType: chosen.payload,
    ...(events ? { telephoneEventPayloadType: events.payload } : {}),
    direction,
    held: address === '0.0.0.0' || direction === 'sendonly' || direction === 'inactive',
  };
}
