// Sends DTMF digits into a SIP leg as RFC 4733 telephone-events (an agent keying through another company's IVR on
// a callback or after a transfer): a producer of the leg's codec and telephone-event on the worker's DirectTransport,
// heard by the leg above its partner while it plays (like a prompt). Per 20 ms step: one silence packet first
// (mediasoup learns a stream from its first packet, which must be audio), then for each digit its event packets
// with growing duration and the last state sent three times with the end bit (RFC 4733 §2.5.1.4), silence between
// digits; "," pauses 500 ms.
import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import { RtpHeader, RtpPacket } from 'werift-rtp';
import { encodeG711 } from '../audio/g711.js';
import { PACKET_MS, SAMPLES_PER_PACKET } from '../audio/rtp-stream-writer.js';
import type { RtpEndpoint } from '../legs/rtp-endpoint.js';

export const DTMF_DIGITS = /^[0-9*#A-D,]{1,32}$/;
const EVENTS: Record<string, number> = { '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };
const GAP_MS = 60;
const PAUSE_MS = 500;
const END_REPEATS = 3;
/** RFC 4733 volume field: -10 dBm0, what phones send. */
const VOLUME = 10;

/** How long sending takes, for callers who wait on it. */
export function dtmfDurationMs(digits: string, digitMs: number): number {
  let total = PACKET_MS;
  for (const digit of digits) total += digit === ',' ? PAUSE_MS : digitMs + END_REPEATS * PACKET_MS + GAP_MS;
  return total;
}

export async function sendDtmf(
  leg: RtpEndpoint,
  direct: types.DirectTransport,
  digits: string,
  digitMs: number,
): Promise<void> {
  const { codec, payloadType, telephoneEventPayloadType } = leg.spec;
  const ssrc = randomInt(1, 2 ** 32 - 1);
  const producer = await direct.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [
        { mimeType: `audio/${codec}`, payloadType, clockRate: 8000, channels: 1 },
        { mimeType: 'audio/telephone-event', payloadType: telephoneEventPayloadType, clockRate: 8000 },
      ],
      encodings: [{ ssrc }],
    },
  });
  const key = `dtmf:${producer.id}`;
  try {
    await leg.listening.add(key, 'prompt', await leg.hear(producer.id));
    const stream = new Stream(producer, ssrc);
    const silence = encodeG711(codec, new Int16Array(SAMPLES_PER_PACKET));
    const steps = Math.max(1, Math.round(digitMs / PACKET_MS));
    await stream.audio(payloadType, silence, 1);
    for (const digit of digits) {
      if (digit === ',') {
        await stream.audio(payloadType, silence, PAUSE_MS / PACKET_MS);
        continue;
      }
      const event = EVENTS[digit] ?? Number(digit);
      const start = stream.timestamp;
      for (let step = 1; step <= steps; step += 1) {
        await stream.send(telephoneEventPayloadType, eventPayload(event, false, step), start, step === 1);
      }
      for (let repeat = 0; repeat < END_REPEATS; repeat += 1) {
        await stream.send(telephoneEventPayloadType, eventPayload(event, true, steps), start, false);
      }
      stream.timestamp = (start + (steps + END_REPEATS) * SAMPLES_PER_PACKET) >>> 0;
      await stream.audio(payloadType, silence, GAP_MS / PACKET_MS);
    }
  } finally {
    await leg.listening.remove(key);
    producer.close();
  }
}

function eventPayload(event: number, end: boolean, step: number): Buffer {
  const payload = Buffer.alloc(4);
  payload[0] = event;
  payload[1] = (end ? 0x80 : 0) | VOLUME;
  payload.writeUInt16BE(Math.min(step * SAMPLES_PER_PACKET, 0xffff), 2);
  return payload;
}

/** One outgoing RTP stream paced at 20 ms a packet. */
class Stream {
  timestamp = randomInt(0, 2 ** 32 - 1);
  private sequenceNumber = randomInt(0, 65_536);

  constructor(
    private readonly producer: types.Producer,
    private readonly ssrc: number,
  ) {}

  async audio(payloadType: number, payload: Uint8Array, packets: number): Promise<void> {
    for (let index = 0; index < packets; index += 1) {
      await this.send(payloadType, payload, this.timestamp, false);
      this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
    }
  }

  async send(payloadType: number, payload: Uint8Array, timestamp: number, marker: boolean): Promise<void> {
    const header = new RtpHeader({
      payloadType,
      sequenceNumber: this.sequenceNumber,
      timestamp,
      ssrc: this.ssrc,
      marker,
    });
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    if (!this.producer.closed) this.producer.send(new RtpPacket(header, Buffer.from(payload)).serialize());
    await new Promise((resolve) => setTimeout(resolve, PACKET_MS));
  }
}
