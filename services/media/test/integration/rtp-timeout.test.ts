// Dead calls are cleared: an RTP endpoint whose caller stops sending (or never sends) is closed as "rtp_timeout"
// after the configured silence; one that keeps sending, or is on hold, stays.
import { waitFor } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';

let media: MediaFixture;

beforeAll(async () => {
  media = await startMediaFixture({ workers: 1, rtpTimeoutMs: 1_000 });
});
afterAll(() => media.close());

const spec = (id: string, port: number) => ({
  id,
  callId: `call-${id}`,
  interactionId: `interaction-${id}`,
  codec: 'PCMU' as const,
  payloadType: 0,
  telephoneEventPayloadType: 101,
  remote: { address: '127.0.0.1', port },
});

describe('RTP inactivity', () => {
  it('closes the silent leg as rtp_timeout and keeps the talking and the held ones', async () => {
    const [silent, talking, held] = await Promise.all([RtpPeer.open(1), RtpPeer.open(2), RtpPeer.open(3)]);
    try {
      const silentLeg = await media.engine.createRtpEndpoint(spec('silent', silent.port));
      const talkingLeg = await media.engine.createRtpEndpoint(spec('talking', talking.port));
      const heldLeg = await media.engine.createRtpEndpoint(spec('held', held.port));
      await media.engine.hold(heldLeg.ref, '');
      const started = Date.now();
      // The talking caller talks for 2.5 s; the silent one sent a little at first, then nothing.
      await silent.sendAudio({ address: silentLeg.localAddress, port: silentLeg.localPort }, 5, 0);
      await talking.sendAudio({ address: talkingLeg.localAddress, port: talkingLeg.localPort }, 125, 0);
      const closed = media.events.filter((event) => event.mediaEndpointClosed?.reason === 'rtp_timeout');
      expect(closed.map((event) => event.mediaEndpointClosed?.leg?.rtpEndpointId)).toEqual(['silent']);
      expect(closed[0]?.callId).toBe('call-silent');
      expect(Number(closed[0]?.mediaEndpointClosed?.packetsReceived)).toBe(5);
      expect(Date.now() - started).toBeGreaterThan(1_000);
      expect(talkingLeg.closed).toBe(false);
      expect(heldLeg.closed).toBe(false);
      // Once the talking caller stops, its leg goes the same way.
      await waitFor(() => talkingLeg.closed || undefined, { timeoutMs: 3_000 });
    } finally {
      for (const id of ['silent', 'talking', 'held']) await media.engine.closeRtpEndpoint(id, 'bye');
      for (const peer of [silent, talking, held]) peer.close();
    }
  });
});
