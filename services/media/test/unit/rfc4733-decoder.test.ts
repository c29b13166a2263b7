// RFC 4733 key presses from telephone-event packets: one press per event (end packets are sent three times), a
// press whose end packets were all lost is reported when the next event starts, audio and tones are ignored.
import { RtpHeader, RtpPacket } from 'werift-rtp';
import { describe, expect, it } from 'vitest';
import { Rfc4733Decoder } from '../../src/dtmf/rfc4733-decoder.js';

function eventPacket(event: number, timestamp: number, durationSamples: number, end: boolean, payloadType = 101) {
  const payload = Buffer.from([event, (end ? 0x80 : 0) | 10, durationSamples >> 8, durationSamples & 0xff]);
  return new RtpPacket(new RtpHeader({ payloadType, timestamp, sequenceNumber: 1, ssrc: 1 }), payload).serialize();
}

describe('Rfc4733Decoder', () => {
  it('reports one press per event, at its first end packet, with its length', () => {
    const decoder = new Rfc4733Decoder(101);
    const presses = [
      eventPacket(1, 1000, 160, false),
      eventPacket(1, 1000, 320, false),
      eventPacket(1, 1000, 800, true),
      eventPacket(1, 1000, 800, true),
      eventPacket(1, 1000, 800, true),
    ].map((packet) => decoder.push(packet));
    expect(presses.filter(Boolean)).toEqual([{ digit: '1', durationMs: 100 }]);
  });

  it('reports a press whose end packets were lost when the next event begins', () => {
    const decoder = new Rfc4733Decoder(101);
    expect(decoder.push(eventPacket(10, 1000, 160, false))).toBeUndefined();
    expect(decoder.push(eventPacket(10, 1000, 480, false))).toBeUndefined();
    expect(decoder.push(eventPacket(11, 3000, 160, false))).toEqual({ digit: '*', durationMs: 60 });
    expect(decoder.push(eventPacket(11, 3000, 400, true))).toEqual({ digit: '#', durationMs: 50 });
  });

  it('ignores audio packets, other payload types, tone events and truncated packets', () => {
    const decoder = new Rfc4733Decoder(101);
    expect(decoder.push(eventPacket(5, 1000, 800, true, 0))).toBeUndefined();
    expect(decoder.push(eventPacket(5, 1000, 800, true, 96))).toBeUndefined();
    expect(decoder.push(eventPacket(70, 1000, 800, true))).toBeUndefined(); // a tone, not a key
    expect(decoder.push(Buffer.from([0x80, 101, 0, 1]))).toBeUndefined();
    expect(decoder.push(eventPacket(16, 2000, 800, true))).toBeUndefined(); // 16 is "flash", not a digit
    expect(decoder.push(eventPacket(15, 3000, 800, true))).toEqual({ digit: 'D', durationMs: 100 });
  });
});
