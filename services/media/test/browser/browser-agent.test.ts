// A real browser as the agent: Debian's Chromium with a fake microphone joins media through mediasoup-client
// (WebRTC, DTLS-SRTP), is bridged to a plain-RTP caller, and audio flows both ways: the browser's getStats shows
// audio arriving with energy, and the caller's socket receives the browser's tone as PCMU.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@parley/kit/testing';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, CHROMIUM, openPage, type BrowserSession } from '../support/chromium.js';
import { startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';
import { muLawRms, toneMuLaw, toneWav } from '../support/tone.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PEER = 'agent-peer-1';

let media: MediaFixture;
let session: BrowserSession;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  media = await startMediaFixture({ workers: 2 });
  session = await openPage(await bundleForBrowser(path.join(here, 'agent-client.ts')), toneWav(440, 10));
  const { peers } = media;
  await session.page.exposeFunction('parleySignal', async (method: string, ...args: unknown[]) => {
    switch (method) {
      case 'routerCapabilities':
        return peers.routerRtpCapabilities();
      case 'createTransport': {
        const created = await peers.createTransport(PEER, args[0] as 'send' | 'recv', undefined);
        return { ...created, id: created.transportId };
      }
      case 'connect':
        return peers.connectTransport(args[0] as string, JSON.stringify(args[1]));
      case 'produce':
        return peers.produce(args[0] as string, JSON.stringify(args[1]));
      case 'resume':
        return peers.resumeConsumer(args[0] as string);
      default:
        throw new Error(`unknown signal ${method}`);
    }
  });
  await session.page.goto(session.url);
}, 60_000);

afterAll(async () => {
  await session?.close();
  media?.close();
});

describe('a browser agent bridged to a SIP caller', () => {
  it('hears the caller and is heard by the caller', async () => {
    const { page } = session;
    const joined = await page.evaluate(() => window.joinAsPeer());
    const peer = media.engine.graph.peers.get(PEER)!;
    expect(peer.producer()?.rtpParameters.codecs[0]?.mimeType.toLowerCase()).toBe('audio/pcmu');
    peer.rtpCapabilities = joined.rtpCapabilities as types.RtpCapabilities;

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
      const bridge = await media.engine.bridge('browser-bridge', 'interaction-browser', caller.ref, { peerId: PEER });
      expect(bridge.peerConsumers).toHaveLength(1);
      const { consumer } = bridge.peerConsumers[0]!;
      await page.evaluate((info) => window.receive(info), {
        id: consumer.id,
        producerId: consumer.producerId,
        rtpParameters: JSON.parse(JSON.stringify(consumer.rtpParameters)) as never,
      });

      await phone.sendSamples({ address: caller.localAddress, port: caller.localPort }, toneMuLaw(1000, 3));
      const inbound = await waitFor(
        async () => {
          const stats = await page.evaluate(() => window.inboundAudio());
          return stats.packetsReceived >= 100 && stats.totalAudioEnergy > 0 ? stats : undefined;
        },
        { timeoutMs: 10_000, description: 'the browser to receive the caller audio' },
      );
      expect(inbound.packetsReceived).toBeGreaterThanOrEqual(100);

      const fromBrowser = phone.audio(0);
      expect(fromBrowser.length).toBeGreaterThan(100);
      // The browser's fake microphone plays a 440 Hz tone of amplitude 12,000 (RMS ≈ 8,500); silence decodes to ~0.
      const rms = muLawRms(fromBrowser.slice(-50).map((packet) => packet.payload));
      expect(rms).toBeGreaterThan(5_000);
      expect(rms).toBeLessThan(12_000);
    } finally {
      await media.engine.closeRtpEndpoint('browser-caller', 'bye');
      phone.close();
    }
  });
});
