// G.711 both ways, for the one place media decodes audio: mixing several sources for a SIP phone (barge, whisper to
// a phone), which plays a single RTP stream.
import alawmulaw from 'alawmulaw';
import type { G711 } from '../workers/router-codecs.js';

// alawmulaw is CommonJS: Node's ESM loader gives only its default export.
const { alaw, mulaw } = alawmulaw;

export function decodeG711(codec: G711, samples: Uint8Array): Int16Array {
  return codec === 'PCMU' ? mulaw.decode(samples) : alaw.decode(samples);
}

export function encodeG711(codec: G711, samples: Int16Array): Uint8Array {
  return codec === 'PCMU' ? mulaw.encode(samples) : alaw.encode(samples);
}

/** The RTP payload of a packet: after the CSRCs and a header extension (RFC 3550 §5.1, §5.3.1). */
export function rtpPayload(packet: Buffer): Buffer | undefined {
  if (packet.length < 12) return undefined;
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!; // padding
  return offset <= end ? packet.subarray(offset, end) : undefined;
}
