// SDP offer/answer for the gateway's answering side (RFC 3264 §6): one audio stream in G.711 — PCMU or PCMA, never
// transcoded, so the first of them in the offerer's order wins — with RFC 4733 telephone-event when offered; every
// other stream refused with port 0, in the offer's order; directions mirrored (sendonly → recvonly, …), including
// RFC 2543 hold (c=0.0.0.0). Parsing and writing SDP is sdp-transform's; the decisions are here.
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';

export type G711 = 'PCMU' | 'PCMA';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface LocalMedia {
  /** Where our RTP endpoint listens (from the media service). */
  address: string;
  port: number;
  /** Codecs we accept, in our order of preference (used only when the offer does not rank them). */
  codecs: readonly G711[];
  /** o= session id and version: the same id for the whole call, the version raised with each new answer. */
  sessionId: number;
  sessionVersion: number;
}

export interface NegotiatedAudio {
  remoteAddress: string;
  remotePort: number;
  codec: G711;
  payloadType: number;
  /** The offerer's telephone-event payload type, when it offered RFC 4733 events. */
  telephoneEventPayloadType?: number;
  /** Our direction in the answer. */
  direction: Direction;
  /** The offer put us on hold (sendonly/inactive, or c=0.0.0.0). */
  held: boolean;
  ptimeMs?: number;
}

/** An offer we cannot answer: `status` is the SIP response to send (400 malformed, 488 nothing acceptable). */
export class SdpNegotiationError extends Error {
  override readonly name = 'SdpNegotiationError';
  constructor(
    readonly status: 400 | 488,
    message: string,
  ) {
    super(message);
  }
}

const staticPayloads: Record<number, G711> = { 0: 'PCMU', 8: 'PCMA' };
const mirrored: Record<Direction, Direction> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

export function answerOffer(offerText: string, local: LocalMedia): { answer: string; audio: NegotiatedAudio } {
  const offer = parseSdp(offerText);
  let audio: NegotiatedAudio | undefined;
  const answerMedia: MediaDescription[] = offer.media.map((media) => {
    if (audio || media.type !== 'audio' || media.port === 0 || !/^RTP\/AVP$/i.test(media.protocol))
      return refused(media);
    const chosen = chooseCodec(media, local.codecs);
    if (!chosen) return refused(media);
    const address = media.connection?.ip ?? offer.connection?.ip;
    if (!address) throw new SdpNegotiationError(400, 'the audio stream has no connection address (c=)');
    const offered = (media.direction ?? offer.direction ?? 'sendrecv') as Direction;
    const holdAddress = address === '0.0.0.0';
    const direction = holdAddress && offered === 'sendrecv' ? 'recvonly' : mirrored[offered];
    const events = media.rtp.find(
      (rtp) => rtp.codec.toLowerCase() === 'telephone-event' && (rtp.rate ?? 8000) === 8000,
    );
    const ptime = media.ptime;
    audio = {
      remoteAddress: address,
      remotePort: media.port,
      codec: chosen.codec,
      payloadType: chosen.payload,
      ...(events ? { telephoneEventPayloadType: events.payload } : {}),
      direction,
      held: holdAddress || offered === 'sendonly' || offered === 'inactive',
      ...(ptime ? { ptimeMs: ptime } : {}),
    };
    const payloads = [chosen.payload, ...(events ? [events.payload] : [])];
    return {
      type: 'audio',
      port: local.port,
      protocol: media.protocol,
      payloads: payloads.join(' '),
      rtp: [
        { payload: chosen.payload, codec: chosen.codec, rate: 8000 },
        ...(events ? [{ payload: events.payload, codec: 'telephone-event', rate: 8000 }] : []),
      ],
      // The events the offerer can send, as it listed them (RFC 4733 §7.1.1: 0-15 when it did not).
      fmtp: events
        ? [{ payload: events.payload, config: media.fmtp.find((f) => f.payload === events.payload)?.config ?? '0-15' }]
        : [],
      ...(ptime ? { ptime: 20 } : {}),
      direction,
    };
  });
  if (!audio) throw new SdpNegotiationError(488, 'no audio stream in PCMU or PCMA (RTP/AVP) was offered');
  const answer: SessionDescription = {
    version: 0,
    origin: {
      username: 'parley',
      sessionId: local.sessionId,
      sessionVersion: local.sessionVersion,
      netType: 'IN',
      ipVer: local.address.includes(':') ? 6 : 4,
      address: local.address,
    },
    name: 'parley',
    connection: { version: local.address.includes(':') ? 6 : 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: answerMedia,
  };
  return { answer: write(answer), audio };
}

/** Parses an offer or answer; SdpNegotiationError (400 malformed, 488 no media) when it cannot be used. */
export function parseSdp(text: string): SessionDescription {
  if (!/^v=0\r?\n/.test(text)) throw new SdpNegotiationError(400, 'the body is not SDP (it must start with v=0)');
  let offer: SessionDescription;
  try {
    offer = parse(text);
  } catch (error) {
    throw new SdpNegotiationError(400, `the SDP does not parse: ${error instanceof Error ? error.message : error}`);
  }
  if (!offer.media || offer.media.length === 0) throw new SdpNegotiationError(488, 'the offer has no media stream');
  for (const [i, media] of offer.media.entries())
    if (!Number.isInteger(media.port) || media.port < 0 || media.port > 65_535 || !media.protocol)
      throw new SdpNegotiationError(400, `m= line ${i + 1} is malformed`);
  return offer;
}

/** The offerer's first format that is PCMU or PCMA (static payload or an rtpmap naming it at 8 kHz). */
export function chooseCodec(
  media: MediaDescription,
  accepted: readonly G711[],
): { codec: G711; payload: number } | undefined {
  const formats = String(media.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  for (const payload of formats) {
    const mapped = media.rtp.find((rtp) => rtp.payload === payload);
    const name = mapped ? mapped.codec.toUpperCase() : staticPayloads[payload];
    const rate = mapped?.rate ?? 8000;
    if ((name === 'PCMU' || name === 'PCMA') && rate === 8000 && accepted.includes(name))
      return { codec: name, payload };
  }
  return undefined;
}

/** RFC 3264 §6: a refused stream keeps its place, with port 0 and one of the offered formats. */
function refused(media: MediaDescription): MediaDescription {
  const first = String(media.payloads ?? '').split(/\s+/)[0] ?? '0';
  return { type: media.type, port: 0, protocol: media.protocol, payloads: first, rtp: [], fmtp: [] };
}
