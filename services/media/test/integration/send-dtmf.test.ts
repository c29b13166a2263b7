// DTMF sent into a SIP leg: the phone receives RFC 4733 events at the telephone-event payload type — each digit's event
// code, one timestamp per digit, durations growing in 20 ms steps, the end state three times — after an audio packet;
// a leg that negotiated no telephone-event is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';

let media: MediaFixture;

beforeAll(async () => {
  media = await startMediaFixture({ workers: 1 });
});
afterAll(() => media.close());

const leg = (id: string, peer: RtpPeer, telephoneEventPayloadType: number) =>
  media.engine.createRtpEndpoint({
    id,
    callId: `call-${id}`,
    interactionId: 'interaction-send-dtmf',
    codec: 'PCMA',
    payloadType: 8,
    telephoneEventPayloadType,
    remote: { address: '127.0.0.1', port: peer.port },
  });

describe('sending DTMF into a leg', () => {
  it('sends each digit as RFC 4733 events at the leg’s payload type', async () => {
    const phone = await RtpPeer.open(0x5101);
    try {
      // 101, the router's telephone-event type: mediasoup consumers send the router's payload types (see README).
      const endpoint = await leg('dtmf-out', phone, 101);
      await media.engine.sendDtmf(endpoint.ref, '1#', 100);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const audio = phone.audio(8);
      const events = phone.received.filter((packet) => packet.payloadType === 101);
      expect(audio.length).toBeGreaterThan(0);
      expect(audio[0]!.at).toBeLessThan(events[0]!.at); // audio first
      const byDigit = new Map<number, typeof events>();
      for (const packet of events) byDigit.set(packet.timestamp, [...(byDigit.get(packet.timestamp) ?? []), packet]);
      const digits = [...byDigit.values()];
      expect(digits.map((packets) => packets[0]!.payload[0])).toEqual([1, 11]);
      for (const packets of digits) {
        expect(packets[0]!.marker).toBe(true);
        const ends = packets.filter((packet) => (packet.payload[1]! & 0x80) !== 0);
        expect(ends).toHaveLength(3);
        const durations = packets.map((packet) => packet.payload.readUInt16BE(2));
        expect(durations.slice(0, 5)).toEqual([160, 320, 480, 640, 800]); // 100 ms in 20 ms steps
        expect(ends.every((packet) => packet.payload.readUInt16BE(2) === 800)).toBe(true);
      }
    } finally {
      phone.close();
    }
  });

  it('refuses a leg without telephone-event', async () => {
    const phone = await RtpPeer.open(0x5102);
    try {
      const endpoint = await leg('dtmf-none', phone, 0);
      await expect(media.engine.sendDtmf(endpoint.ref, '1', 100)).rejects.toMatchObject({
        code: 'PARLEY_MEDIA_NO_TELEPHONE_EVENT',
      });
    } finally {
      phone.close();
    }
  });
});
