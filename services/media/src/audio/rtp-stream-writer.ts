// Writes one outgoing RTP stream of 20 ms G.711 packets: sequence numbers and timestamps advance per packet from
// random starting points (RFC 3550 §5.1), the first packet of a talk spurt carries the marker bit.
import { randomInt } from 'node:crypto';
import { RtpHeader, RtpPacket } from 'werift-rtp';

export const PACKET_MS = 20;
export const SAMPLES_PER_PACKET = 160;

export class RtpStreamWriter {
  readonly ssrc = randomInt(1, 2 ** 32 - 1);
  private sequenceNumber = randomInt(0, 65_536);
  private timestamp = randomInt(0, 2 ** 32 - 1);
  private nextIsTalkSpurtStart = true;

  constructor(private readonly payloadType: number) {}

  /** The next packet carrying `payload` (160 samples). */
  packet(payload: Uint8Array): Buffer {
    const header = new RtpHeader({
      payloadType: this.payloadType,
      sequenceNumber: this.sequenceNumber,
      timestamp: this.timestamp,
      ssrc: this.ssrc,
      marker: this.nextIsTalkSpurtStart,
    });
    this.nextIsTalkSpurtStart = false;
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
    return new RtpPacket(header, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)).serialize();
  }

  /** The next packet starts a new talk spurt (after a pause the receiver should not stretch). */
  markTalkSpurt(): void {
    this.nextIsTalkSpurtStart = true;
  }
}
