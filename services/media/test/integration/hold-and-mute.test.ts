// Hold: the held caller hears music instead of the agent and the agent no longer hears the caller; resume restores
// the bridge. Mute: a muted leg's audio stops reaching its partner.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToG711 } from '../../src/audio/prompt-store.js';
import type { RtpEndpoint } from '../../src/legs/rtp-endpoint.js';
import { promptsDir, startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';

let media: MediaFixture;

beforeAll(async () => {
  media = await startMediaFixture({ workers: 1 });
});
afterAll(() => media.close());

async function callLeg(id: string, peer: RtpPeer): Promise<RtpEndpoint> {
  return media.engine.createRtpEndpoint({
    id,
    callId: `call-${id}`,
    interactionId: 'interaction-hold',
    codec: 'PCMU',
    payloadType: 0,
    telephoneEventPayloadType: 101,
    remote: { address: '127.0.0.1', port: peer.port },
  });
}

const to = (leg: RtpEndpoint) => ({ address: leg.localAddress, port: leg.localPort });

/** Both sides talk for `packets` × 20 ms; returns what each received meanwhile. */
async function talk(caller: RtpPeer, agent: RtpPeer, callerLeg: RtpEndpoint, agentLeg: RtpEndpoint, packets: number) {
  const callerBefore = caller.audio().length;
  const agentBefore = agent.audio().length;
  await Promise.all([caller.sendAudio(to(callerLeg), packets, 1), agent.sendAudio(to(agentLeg), packets, 200)]);
  await new Promise((resolve) => setTimeout(resolve, 150));
  return { atCaller: caller.audio().slice(callerBefore), atAgent: agent.audio().slice(agentBefore) };
}

describe('hold, resume and mute', () => {
  it('plays music to a held leg, silences it towards the partner, and restores the bridge on resume', async () => {
    const caller = await RtpPeer.open(0x7001);
    const agent = await RtpPeer.open(0x7002);
    try {
      const callerLeg = await callLeg('hold-caller', caller);
      const agentLeg = await callLeg('hold-agent', agent);
      await media.engine.bridge('hold-bridge', 'interaction-hold', callerLeg.ref, agentLeg.ref);
      const before = await talk(caller, agent, callerLeg, agentLeg, 10);
      expect(before.atAgent.length).toBe(10);
      expect(before.atCaller.length).toBe(10);

      await media.engine.hold(callerLeg.ref, '');
      const held = await talk(caller, agent, callerLeg, agentLeg, 25);
      expect(held.atAgent.length).toBe(0);
      const music = decodeToG711(await readFile(path.join(promptsDir, 'hold-music.wav')), 'builtin/hold-music');
      const fromAgent = held.atCaller.filter((packet) => packet.ssrc === before.atCaller[0]!.ssrc);
      expect(fromAgent.length).toBe(0);
      expect(held.atCaller.length).toBeGreaterThanOrEqual(20);
      // The music channel started with this hold: the caller hears the music from (nearly) its beginning, packet
      // after packet (the first packets may leave before the caller's consumer exists).
      const musicPacket = (index: number) => Buffer.from(music.PCMU.subarray(index * 160, index * 160 + 160));
      const start = Array.from({ length: 10 }, (_, index) => index).find((index) =>
        musicPacket(index).equals(held.atCaller[0]!.payload),
      );
      expect(start).toBeDefined();
      held.atCaller.slice(0, 20).forEach((packet, index) => {
        expect(packet.payload.equals(musicPacket(start! + index))).toBe(true);
      });

      await media.engine.resume(callerLeg.ref);
      const resumed = await talk(caller, agent, callerLeg, agentLeg, 10);
      expect(resumed.atAgent.length).toBe(10);
      expect(resumed.atCaller.every((packet) => packet.payload[0]! >= 200)).toBe(true);
      expect(resumed.atCaller.length).toBe(10);

      await media.engine.mute(agentLeg.ref, true);
      const muted = await talk(caller, agent, callerLeg, agentLeg, 10);
      expect(muted.atCaller.length).toBe(0);
      expect(muted.atAgent.length).toBe(10);
      await media.engine.mute(agentLeg.ref, false);
      const unmuted = await talk(caller, agent, callerLeg, agentLeg, 10);
      expect(unmuted.atCaller.length).toBe(10);
    } finally {
      await media.engine.closeRtpEndpoint('hold-caller', 'bye');
      await media.engine.closeRtpEndpoint('hold-agent', 'bye');
      caller.close();
      agent.close();
    }
  });
});
