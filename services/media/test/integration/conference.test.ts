// Conferences: three plain-RTP legs (SIP callers) in one conversation, each hearing the others through its own mix;
// the bridge two of them had stays underneath and carries them again when the conference stops.
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
    callId: `call-${id}`,
    interactionId: 'interaction-conference',
    codec: 'PCMU',
    payloadType: 0,
    telephoneEventPayloadType: 101,
    remote: { address: '127.0.0.1', port: peer.port },
  });
}

const to = (leg: RtpEndpoint) => ({ address: leg.localAddress, port: leg.localPort });
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

/** `speaker` talks for `packets` × 20 ms; returns how many audio packets each listener got meanwhile. */
async function heardWhile(speaker: RtpPeer, leg: RtpEndpoint, listeners: RtpPeer[], packets: number, seed: number) {
  const before = listeners.map((listener) => listener.audio().length);
  await speaker.sendAudio(to(leg), packets, seed);
  await settle();
  return listeners.map((listener, index) => listener.audio().length - before[index]!);
}

describe('conferences', () => {
  it('lets three SIP legs hear each other, and hands two of them back to their bridge when it stops', async () => {
    const peers = await Promise.all([RtpPeer.open(0x9001), RtpPeer.open(0x9002), RtpPeer.open(0x9003)]);
    const [customer, agent, third] = peers;
    try {
      const customerLeg = await callLeg('conf-customer', customer!);
      const agentLeg = await callLeg('conf-agent', agent!);
      const thirdLeg = await callLeg('conf-third', third!);
      await media.engine.bridge('conf-bridge', 'interaction-conference', customerLeg.ref, agentLeg.ref);
      // Media learns each caller's stream from its first packets (as from a phone).
      await Promise.all(peers.map((peer, i) => peer!.sendAudio(to([customerLeg, agentLeg, thirdLeg][i]!), 3, 1)));
      await settle();

      const legs = [customerLeg.ref, agentLeg.ref, thirdLeg.ref];
      await media.engine.startConference('conf-1', 'interaction-conference', legs);
      // Idempotent: the same id again changes nothing.
      expect((await media.engine.startConference('conf-1', 'interaction-conference', legs)).legs).toHaveLength(3);

      const [agentHears, thirdHears] = await heardWhile(customer!, customerLeg, [agent!, third!], 50, 10);
      expect(agentHears).toBeGreaterThanOrEqual(45);
      expect(thirdHears).toBeGreaterThanOrEqual(45);
      const [customerHearsThird, agentHearsThird] = await heardWhile(third!, thirdLeg, [customer!, agent!], 50, 90);
      expect(customerHearsThird).toBeGreaterThanOrEqual(45);
      expect(agentHearsThird).toBeGreaterThanOrEqual(45);
      // Two talking at once: the third leg hears one mixed stream, not two (a phone plays one).
      const before = third!.audio().length;
      await Promise.all([customer!.sendAudio(to(customerLeg), 50, 20), agent!.sendAudio(to(agentLeg), 50, 40)]);
      await settle();
      const mixed = third!.audio().length - before;
      expect(mixed).toBeGreaterThanOrEqual(45);
      expect(mixed).toBeLessThanOrEqual(55);

      await media.engine.stopConference('conf-1');
      const [agentAfter, thirdAfter] = await heardWhile(customer!, customerLeg, [agent!, third!], 25, 30);
      expect(agentAfter).toBeGreaterThanOrEqual(23); // the bridge again
      expect(thirdAfter).toBe(0);
    } finally {
      for (const peer of peers) peer.close();
    }
  });

  it('refuses fewer than three legs, a leg twice, and legs it does not know', async () => {
    const peer = await RtpPeer.open(0x9010);
    try {
      const leg = await callLeg('conf-lonely', peer);
      await expect(media.engine.startConference('c2', 'i', [leg.ref, leg.ref])).rejects.toMatchObject({
        code: 'PARLEY_MEDIA_INVALID_ARGUMENT',
      });
      await expect(media.engine.startConference('c3', 'i', [leg.ref, leg.ref, leg.ref])).rejects.toMatchObject({
        code: 'PARLEY_MEDIA_INVALID_ARGUMENT',
      });
      await expect(
        media.engine.startConference('c4', 'i', [leg.ref, { rtpEndpointId: 'nope' }, { rtpEndpointId: 'nope2' }]),
      ).rejects.toMatchObject({ code: 'PARLEY_MEDIA_LEG_NOT_FOUND' });
    } finally {
      peer.close();
    }
  });
});
