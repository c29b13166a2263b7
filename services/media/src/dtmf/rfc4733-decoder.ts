// Turns RFC 4733 telephone-event packets into key presses. A sender repeats the packet of one event with growing
// durations under one RTP timestamp and sends its end packet three times: one key press is reported per event
// timestamp, when the first end packet arrives (or, if every end packet was lost, when the next event begins).
import { RtpPacket } from 'werift-rtp';

const DIGITS = '0123456789*#ABCD';
const CLOCK_RATE_PER_MS = 8;

export interface KeyPress {
  digit: string;
  durationMs: number;
}

export class Rfc4733Decoder {
  private currentTimestamp: number | undefined;
  private current: KeyPress | undefined;
  private reportedTimestamp: number | undefined;

  constructor(private readonly payloadType: number) {}

  /** Feeds one RTP packet; returns the key press it completes, if any. Audio packets are skipped cheaply. */
  push(rtp: Buffer): KeyPress | undefined {
    if (rtp.length < 16 || (rtp[1]! & 0x7f) !== this.payloadType) return undefined;
    let packet: RtpPacket;
    try {
      packet = RtpPacket.deSerialize(rtp);
    } catch {
      return undefined;
    }
    const payload = packet.payload;
    if (payload.length < 4) return undefined;
    const event = payload[0]!;
    if (event >= DIGITS.length) return undefined; // tones and other events: not key presses
    const end = (payload[1]! & 0x80) !== 0;
    const durationMs = Math.round(payload.readUInt16BE(2) / CLOCK_RATE_PER_MS);
    const timestamp = packet.header.timestamp;
    let finished: KeyPress | undefined;
    if (timestamp !== this.currentTimestamp) {
      // A new event: the previous one ended without an end packet reaching us.
      if (this.current && this.currentTimestamp !== this.reportedTimestamp) finished = this.current;
      this.currentTimestamp = timestamp;
    }
    this.current = { digit: DIGITS[event]!, durationMs };
    if (end && timestamp !== this.reportedTimestamp) {
      this.reportedTimestamp = timestamp;
      return this.current;
    }
    if (finished) this.reportedTimestamp = undefined;
    return finished;
  }
}
