// A real browser as the agent: Debian's Chromium with a fake microphone joins media through mediasoup-client
// (WebRTC, DTLS-SRTP), is bridged to a plain-RTP caller, and audio flows both ways: the browser's getStats shows
// audio arriving with energy, and the caller's socket receives the browser's tone as PCMU.
import { existsSync } from 'node:fs';
import { waitFor } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinBrowserPeer, type BrowserPeerSession } from '../support/browser-peer-session.js';
import { CHROMIUM } from '../support/chromium.js';
import { startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';
import { decodeMuLaw, toneAmplitude, toneMuLaw } from '../support/tone.js';

let media: MediaFixture;
let agent: BrowserPeerSession;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  media = await startMediaFixture({ workers: 2 });
  agent = await joinBrowserPeer(media.peers, 'agent-peer-1', 440);
}, 60_000);

afterAll(async () => {
  await agent?.close();
  media?.close();
});

describe('a browser agent bridged to a SIP caller', () => {
  it('hears the caller and is heard by the caller', async () => {
    const peer = media.engine.graph.peers.get(agent.peerId)!;
    expect(peer.producer()?.rtpParameters.codecs[0]?.mimeType.toLowerCase()).toBe('audio/pcmu');
    peer.rtpCapabilities = agent.rtpCapabilities;

    const phone = await RtpPeer.open(0x8001);
    try {
      const caller = await media.engine.createRtpEndpoint({
        id: 'browser-caller',
        callId: 'call-browser',
        interactionId: 'interaction-browser',
        codec: 'PCMU',
        payloadType: 0,
        telephoneEventPayloadType: 101,
        remote: { address: '127.0.0.1', port: phone.port },
      });
      const bridge = await media.engine.bridge('browser-bridge', 'interaction-browser', caller.ref, {
        peerId: agent.peerId,
      });
      expect(bridge.peerConsumers).toHaveLength(1);
      await agent.receive(bridge.peerConsumers[0]!.consumer);

      await phone.sendSamples({ address: caller.localAddress, port: caller.localPort }, toneMuLaw(1000, 3));
      const [inbound] = await waitFor(
        async () => {
          const streams = await agent.inbound();
          return streams[0] && streams[0].packetsReceived >= 100 && streams[0].totalAudioEnergy > 0
            ? streams
            : undefined;
        },
        { timeoutMs: 10_000, description: 'the browser to receive the caller audio' },
      );
      expect(inbound!.packetsReceived).toBeGreaterThanOrEqual(100);

      const fromBrowser = phone.audio(0);
      expect(fromBrowser.length).toBeGreaterThan(100);
      // The browser's fake microphone plays a 440 Hz tone of amplitude 12,000: it is what the caller hears.
      const heard = decodeMuLaw(fromBrowser.slice(-50).map((packet) => packet.payload));
      expect(toneAmplitude(heard, 440)).toBeGreaterThan(6_000);
      expect(toneAmplitude(heard, 880)).toBeLessThan(500);
    } finally {
      await media.engine.closeRtpEndpoint('browser-caller', 'bye');
      phone.close();
    }
  });
});
