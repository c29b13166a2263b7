// Recording taps: both legs of a bridged call reach a recording receiver as separate RTP streams (customer first),
// pausing stops the tap and not the call, resuming restarts it, stopping ends it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RtpEndpoint } from '../../src/legs/rtp-endpoint.js';
import { startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';

let media: MediaFixture;

beforeAll(async () => {
  media = await startMediaFixture({ workers: 2 });
});
afterAll(() => media.close());

async function callLeg(id: string, peer: RtpPeer): Promise<RtpEndpoint> {
  return media.engine.createRtpEndpoint({
    id,
    callId: 'call-tap',
    interactionId: 'interaction-tap',
    codec: 'PCMU',
    payloadType: 0,
    telephoneEventPayloadType: 101,
    remote: { address: '127.0.0.1', port: peer.port },
  });
}

describe('recording taps', () => {
  it('sends each leg to the recorder, pauses without dropping the call, resumes and stops', async () => {
    const [customer, agent, customerTrack, agentTrack] = await Promise.all(
      [0xa1, 0xa2, 0xa3, 0xa4].map((ssrc) => RtpPeer.open(ssrc)),
    );
    try {
      const customerLeg = await callLeg('tap-customer', customer!);
      const agentLeg = await callLeg('tap-agent', agent!);
      await media.engine.bridge('tap-bridge', 'interaction-tap', customerLeg.ref, agentLeg.ref);
      const streams = await media.engine.startRecordingTap('tap-1', 'recording-1', 'interaction-tap', [
        { leg: customerLeg.ref, destination: { address: '127.0.0.1', port: customerTrack!.port } },
        { leg: agentLeg.ref, destination: { address: '127.0.0.1', port: agentTrack!.port } },
      ]);
      expect(streams.map((stream) => [stream.leg.key, stream.codec, stream.payloadType])).toEqual([
        ['rtp:tap-customer', 'PCMU', 0],
        ['rtp:tap-agent', 'PCMU', 0],
      ]);
      // Idempotent by tap id.
      expect(await media.engine.startRecordingTap('tap-1', 'recording-1', 'interaction-tap', [])).toBe(streams);

      const talk = async (packets: number, seed: number) => {
        await Promise.all([
          customer!.sendAudio({ address: customerLeg.localAddress, port: customerLeg.localPort }, packets, seed),
          agent!.sendAudio({ address: agentLeg.localAddress, port: agentLeg.localPort }, packets, seed + 100),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 150));
      };
      await talk(20, 0);
      expect(customerTrack!.audio().map((packet) => packet.payload[0])).toEqual(
        Array.from({ length: 20 }, (_, n) => n),
      );
      expect(agentTrack!.audio().map((packet) => packet.payload[0])).toEqual(
        Array.from({ length: 20 }, (_, n) => 100 + n),
      );
      expect(customerTrack!.audio()[0]!.ssrc).toBe(streams[0]!.ssrc);

      await media.engine.taps.pause('tap-1', true);
      const agentHeardBefore = agent!.audio().length;
      await talk(20, 20);
      expect(customerTrack!.audio()).toHaveLength(20);
      expect(agentTrack!.audio()).toHaveLength(20);
      // The call itself went on.
      expect(agent!.audio().length - agentHeardBefore).toBe(20);

      await media.engine.taps.pause('tap-1', false);
      await talk(10, 40);
      expect(customerTrack!.audio()).toHaveLength(30);
      expect(customerTrack!.audio().at(-1)!.payload[0]).toBe(49);

      media.engine.taps.stop('tap-1');
      await talk(5, 60);
      expect(customerTrack!.audio()).toHaveLength(30);
      await expect(media.engine.taps.pause('tap-1', true)).rejects.toMatchObject({
        code: 'PARLEY_MEDIA_TAP_NOT_FOUND',
      });
    } finally {
      await media.engine.closeRtpEndpoint('tap-customer', 'bye');
      await media.engine.closeRtpEndpoint('tap-agent', 'bye');
      for (const peer of [customer, agent, customerTrack, agentTrack]) peer?.close();
    }
  });
});
