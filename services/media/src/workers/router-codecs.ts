// The codecs every router offers. G.711 for SIP legs and for browsers talking to them (nothing is transcoded),
// RFC 4733 telephone-event for DTMF, opus where both ends are browsers.
import type { types } from 'mediasoup';

export const routerMediaCodecs: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/PCMU', preferredPayloadType: 0, clockRate: 8000, channels: 1 },
  { kind: 'audio', mimeType: 'audio/PCMA', preferredPayloadType: 8, clockRate: 8000, channels: 1 },
  { kind: 'audio', mimeType: 'audio/telephone-event', preferredPayloadType: 101, clockRate: 8000 },
  { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2 },
];

/** G.711 variants a SIP leg may use, keyed by their SDP name. */
export type G711 = 'PCMU' | 'PCMA';
export const g711StaticPayloadType: Record<G711, number> = { PCMU: 0, PCMA: 8 };
