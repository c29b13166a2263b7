// Supervision in real browsers: an agent (Chromium, 440 Hz microphone) talks to a SIP caller (RTP, 1 kHz); a
// supervisor (another Chromium, 880 Hz) monitors (hears both, heard by nobody), whispers (the agent hears them, the
// caller does not), then barges (the caller hears agent and supervisor mixed into one stream). Each step is audited.
import { existsSync } from 'node:fs';
import { waitFor } from '@parley/kit/testing';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { SupervisionMode } from '@parley/protos/parley/common/v1/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RtpEndpoint } from '../../src/legs/rtp-endpoint.js';
import { joinBrowserPeer, type BrowserPeerSession } from '../support/browser-peer-session.js';
import { CHROMIUM } from '../support/chromium.js';
import { startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';
import { decodeMuLaw, toneAmplitude, toneMuLaw } from '../support/tone.js';

let media: MediaFixture;
let agent: BrowserPeerSession;
let supervisor: BrowserPeerSession;
let phone: RtpPeer;
let caller: RtpEndpoint;
let talking: Promise<void>;

const supervisorActor = { kind: ActorKind.ACTOR_KIND_SUPERVISOR, id: 'sup-1', displayName: 'Ewa' };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  media = await startMediaFixture({ workers: 2 });
  [agent, supervisor] = await Promise.all([
    joinBrowserPeer(media.peers, 'agent-peer', 440),
    joinBrowserPeer(media.peers, 'supervisor-peer', 880),
  ]);
  media.engine.graph.peers.get('agent-peer')!.rtpCapabilities = agent.rtpCapabilities;
  phone = await RtpPeer.open(0x9101);
  caller = await media.engine.createRtpEndpoint({
    id: 'supervised-caller',
    callId: 'call-supervised',
    interactionId: 'interaction-supervised',
    codec: 'PCMU',
    payloadType: 0,
    telephoneEventPayloadType: 101,
    remote: { address: '127.0.0.1', port: phone.port },
  });
  const bridge = await media.engine.bridge('supervised-bridge', 'interaction-supervised', caller.ref, {
    peerId: 'agent-peer',
  });
  await agent.receive(bridge.peerConsumers[0]!.consumer);
  // The caller keeps talking for the whole test.
  talking = phone.sendSamples({ address: caller.localAddress, port: caller.localPort }, toneMuLaw(1000, 25));
}, 60_000);

afterAll(async () => {
  phone?.close();
  await Promise.all([agent?.close(), supervisor?.close()]);
  media?.close();
  await talking?.catch(() => undefined);
});

/** What the caller heard over the last second. */
async function callerHearsNow(): Promise<{ agent: number; supervisor: number }> {
  const before = phone.audio(0).length;
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const recent = phone.audio(0).slice(before).slice(-50);
  expect(recent.length).toBeGreaterThan(40);
  const pcm = decodeMuLaw(recent.map((packet) => packet.payload));
  return { agent: toneAmplitude(pcm, 440), supervisor: toneAmplitude(pcm, 880) };
}

function supervise(mode: SupervisionMode) {
  return media.engine.startSupervision({
    id: 'supervision-1',
    interactionId: 'interaction-supervised',
    agentId: 'agent-7',
    agentLeg: { peerId: 'agent-peer' },
    customerLeg: caller.ref,
    supervisorPeerId: 'supervisor-peer',
    supervisorCapabilities: supervisor.rtpCapabilities,
    mode,
    actor: supervisorActor,
  });
}

async function streamsFlowing(session: BrowserPeerSession, count: number) {
  return waitFor(
    async () => {
      const streams = await session.inbound();
      return streams.length === count &&
        streams.every((stream) => stream.packetsReceived > 50 && stream.totalAudioEnergy > 0)
        ? streams
        : undefined;
    },
    { timeoutMs: 10_000, description: `${session.peerId} to receive ${count} audio streams` },
  );
}

describe('supervising a call', () => {
  it('monitors, whispers and barges, with an audit event for each step', async () => {
    // Monitor: the supervisor's browser receives the caller and the agent; the caller still hears only the agent.
    const monitor = await supervise(SupervisionMode.SUPERVISION_MODE_MONITOR);
    expect(monitor.map((signalled) => [signalled.peer.id, signalled.source.key])).toEqual([
      ['supervisor-peer', 'rtp:supervised-caller'],
      ['supervisor-peer', 'peer:agent-peer'],
    ]);
    for (const { consumer } of monitor) await supervisor.receive(consumer);
    await streamsFlowing(supervisor, 2);
    const monitored = await callerHearsNow();
    expect(monitored.agent).toBeGreaterThan(6_000);
    expect(monitored.supervisor).toBeLessThan(500);

    // Whisper: the agent's browser receives the supervisor; the caller does not hear them.
    const whisper = await supervise(SupervisionMode.SUPERVISION_MODE_WHISPER);
    expect(whisper.map((signalled) => [signalled.peer.id, signalled.source.key])).toEqual([
      ['agent-peer', 'peer:supervisor-peer'],
    ]);
    await agent.receive(whisper[0]!.consumer);
    await streamsFlowing(agent, 2);
    const whispered = await callerHearsNow();
    expect(whispered.agent).toBeGreaterThan(6_000);
    expect(whispered.supervisor).toBeLessThan(500);

    // Barge: the caller's phone hears agent and supervisor, mixed into its single stream — both tones whole (a
    // mix that dropped frames under load read ~3,800 here before the mixer got its jitter buffer).
    expect(await supervise(SupervisionMode.SUPERVISION_MODE_BARGE)).toEqual([]);
    const barged = await callerHearsNow();
    expect(barged.agent).toBeGreaterThan(8_000);
    expect(barged.supervisor).toBeGreaterThan(8_000);

    await media.engine.supervisions.stop('supervision-1', supervisorActor);
    const after = await callerHearsNow();
    expect(after.agent).toBeGreaterThan(6_000);
    expect(after.supervisor).toBeLessThan(500);

    const audit = media.events.filter((event) => event.type.startsWith('media.supervision_'));
    expect(
      audit.map((event) => [
        event.type,
        event.mediaSupervisionStarted?.mode ?? event.mediaSupervisionStopped?.mode,
        event.mediaSupervisionStarted?.previousMode,
      ]),
    ).toEqual([
      [
        'media.supervision_started',
        SupervisionMode.SUPERVISION_MODE_MONITOR,
        SupervisionMode.SUPERVISION_MODE_UNSPECIFIED,
      ],
      ['media.supervision_started', SupervisionMode.SUPERVISION_MODE_WHISPER, SupervisionMode.SUPERVISION_MODE_MONITOR],
      ['media.supervision_started', SupervisionMode.SUPERVISION_MODE_BARGE, SupervisionMode.SUPERVISION_MODE_WHISPER],
      ['media.supervision_stopped', SupervisionMode.SUPERVISION_MODE_BARGE, undefined],
    ]);
    expect(
      audit.every((event) => event.agentId === 'agent-7' && event.interactionId === 'interaction-supervised'),
    ).toBe(true);
    expect(audit[0]!.mediaSupervisionStarted?.supervisor).toEqual(supervisorActor);
    expect(audit[3]!.mediaSupervisionStopped?.stoppedBy).toEqual(supervisorActor);
  }, 60_000);
});
