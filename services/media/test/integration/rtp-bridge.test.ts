// Two SIP legs (plain RTP on loopback) bridged through real mediasoup workers: audio crosses both ways with its
// payload intact and sequence numbers in order, also when the legs sit on different workers (pipeToRouter).
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
    interactionId: 'interaction-1',
    codec: 'PCMU',
    payloadType: 0,
    telephoneEventPayloadType: 101,
    remote: { address: '127.0.0.1', port: peer.port },
  });
}

function target(endpoint: RtpEndpoint) {
  return { address: endpoint.localAddress, port: endpoint.localPort };
}

function expectInOrder(packets: { sequenceNumber: number }[]): void {
  for (let index = 1; index < packets.length; index += 1) {
    expect((packets[index]!.sequenceNumber - packets[index - 1]!.sequenceNumber) & 0xffff).toBe(1);
  }
}

describe('bridging two RTP legs', () => {
  it('carries audio both ways with payloads intact, across two workers', async () => {
    const caller = await RtpPeer.open(0x1111);
    const agent = await RtpPeer.open(0x2222);
    try {
      const callerLeg = await callLeg('leg-caller', caller);
      const agentLeg = await callLeg('leg-agent', agent);
      // Placement spreads legs: the second leg lands on the other worker, so the bridge pipes between routers.
      expect(callerLeg.slot).not.toBe(agentLeg.slot);
      await media.engine.bridge('bridge-1', 'interaction-1', callerLeg.ref, agentLeg.ref);

      await Promise.all([caller.sendAudio(target(callerLeg), 50, 0), agent.sendAudio(target(agentLeg), 50, 100)]);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const atAgent = agent.audio();
      const atCaller = caller.audio();
      expect(atAgent.length).toBe(50);
      expect(atCaller.length).toBe(50);
      expectInOrder(atAgent);
      expectInOrder(atCaller);
      expect(atAgent.map((packet) => packet.payload[0])).toEqual(Array.from({ length: 50 }, (_, n) => n & 0xff));
      expect(atCaller.map((packet) => packet.payload[0])).toEqual(
        Array.from({ length: 50 }, (_, n) => (100 + n) & 0xff),
      );
      expect(atAgent.every((packet) => packet.payload.length === 160)).toBe(true);
      // mediasoup sends with its own SSRC, never the other caller's.
      expect(atAgent[0]!.ssrc).not.toBe(caller.ssrc);

      const counts = await media.engine.closeRtpEndpoint('leg-caller', 'bye');
      expect(counts.packetsReceived).toBe(50);
      expect(media.events.map((event) => event.type)).toEqual(
        expect.arrayContaining(['media.endpoint_created', 'media.bridged', 'media.unbridged', 'media.endpoint_closed']),
      );
      const unbridged = media.events.find((event) => event.type === 'media.unbridged');
      expect(unbridged?.mediaUnbridged?.reason).toBe('leg_closed');
      await media.engine.closeRtpEndpoint('leg-agent', 'bye');
    } finally {
      caller.close();
      agent.close();
    }
  });

  it('keeps the audio flowing when the caller changes its SSRC mid-call', async () => {
    const caller = await RtpPeer.open(0xaaaa);
    const agent = await RtpPeer.open(0xbbbb);
    try {
      const callerLeg = await callLeg('leg-ssrc-caller', caller);
      const agentLeg = await callLeg('leg-ssrc-agent', agent);
      await media.engine.bridge('bridge-ssrc', 'interaction-2', callerLeg.ref, agentLeg.ref);
      await caller.sendAudio(target(callerLeg), 20, 0);
      caller.restartStream(0xcccc);
      await caller.sendAudio(target(callerLeg), 20, 20);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // mediasoup re-synchronises on the new sequence numbers (RFC 3550 A.1: a big jump is believed after two
      // sequential packets) and drops a few packets meanwhile: here 4 (80 ms); everything after flows.
      const seeds = agent.audio().map((packet) => packet.payload[0]);
      expect(seeds.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(seeds.slice(-15)).toEqual(Array.from({ length: 15 }, (_, n) => 25 + n));
      expect(seeds.length).toBeGreaterThanOrEqual(35);
    } finally {
      await media.engine.closeRtpEndpoint('leg-ssrc-caller', 'bye');
      await media.engine.closeRtpEndpoint('leg-ssrc-agent', 'bye');
      caller.close();
      agent.close();
    }
  });
});
