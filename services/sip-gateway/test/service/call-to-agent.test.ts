// The voice path end to end, every part real: a sipp caller with RTP (Debian's pcaps) dials a DID, presses 1 in the
// IVR menu, is queued in routing and hears music from media, the test agent accepts routing's offer and asks the
// gateway to connect its RTP leg; audio flows both ways; the caller hangs up and routing ends the interaction.
// A second caller hangs up while queued: routing reports the abandon with its wait. Transfers: transfers.test.ts;
// callbacks: callbacks.test.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@parley/kit/testing';
import { RtpPeer } from '@parley/media/testing';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AbandonPoint } from '@parley/protos/parley/common/v1/interaction';
import { Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Queue } from '@parley/protos/parley/common/v1/queue';
import { PromptEndReason } from '@parley/protos/parley/events/v1/media_events';
import { CallState, ListActiveCallsRequest } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp } from '../support/sipp.js';
import { startVoiceStack, type VoiceStack } from '../support/voice-stack.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');
const SITE = 'gda';
const DID = '+48581234567';

const flow = {
  schemaVersion: 1,
  start: 'menu',
  nodes: {
    menu: {
      type: 'menu',
      prompt: 'main-menu',
      options: { '1': 'sales' },
      timeoutMs: 10_000,
      retries: 0,
      fallback: 'bye',
    },
    sales: { type: 'setAttributes', set: { intent: 'sales' }, next: 'queue' },
    queue: { type: 'enqueue', queue: 'sales', priority: 1, announceEverySeconds: 0 },
    bye: { type: 'hangUp' },
  },
};

let stack: VoiceStack;
let events: VoiceStack['events'];

beforeAll(async () => {
  stack = await startVoiceStack({
    name: 'voice',
    site: SITE,
    rtpPorts: 46000,
    trunks: [
      {
        id: 'pstn',
        name: 'PSTN',
        sources: ['127.0.0.0/8'],
        maxCalls: 10,
        dids: { [DID]: 'sales' },
      },
    ],
    flows: { sales: flow },
    queues: [
      Queue.fromPartial({
        id: 'sales',
        displayName: 'Sales',
        channels: [Channel.CHANNEL_VOICE],
        skillsExpression: 'skill.sales >= 1',
      }),
    ],
    agents: [
      Agent.fromPartial({
        id: 'ola',
        displayName: 'Ola',
        siteId: SITE,
        skills: [{ name: 'sales', level: 3 }],
        capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }],
      }),
    ],
  });
  events = stack.events;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const story = (interactionId: string) => stack.story(interactionId);
const dialTrunk = (scenario: string, did: string, timeoutMs: number) =>
  runSipp(
    ['-sf', path.join(scenarios, scenario), '-s', did, `127.0.0.1:${stack.gateway.endpoint.port}`, '-m', '1'],
    timeoutMs,
  );

describe('a phone call from the trunk to an agent', () => {
  it('reports a caller who hangs up in the queue as abandoned there, with the wait', async () => {
    // No agent is logged in yet: the call waits until the caller gives up.
    const result = await dialTrunk('caller-abandons-queue.xml', DID, 30_000);
    expect(result.exitCode, result.output).toBe(0);
    const abandoned = await waitFor(() => events.find((event) => event.type === 'interaction.abandoned'), {
      timeoutMs: 5_000,
      description: 'routing to report the abandon',
    });
    expect(abandoned.interactionAbandoned?.point).toBe(AbandonPoint.ABANDON_POINT_QUEUE);
    expect(Number(abandoned.interactionAbandoned?.waitMs)).toBeGreaterThan(1_000);
    const types = story(abandoned.interactionId);
    expect(types.indexOf('interaction.queued')).toBeGreaterThan(types.indexOf('interaction.created'));
    expect(types.indexOf('interaction.abandoned')).toBeGreaterThan(types.indexOf('interaction.queued'));
    // The queue music stopped with the caller.
    await waitFor(() => stack.media.engine.graph.endpoints.size === 0 || undefined);
  }, 40_000);

  it('queues the caller with music, connects the accepting agent, carries audio both ways, and ends at routing', async () => {
    await stack.loginAgent('ola');
    // The agent's phone: an RTP leg at media that talks (a byte pattern) and counts what it hears.
    const agentPhone = await RtpPeer.open(0x0a6e);
    let talking: Promise<void> | undefined;
    const agentAnswers = (async () => {
      const answered = await stack.agentAnswersNextOffer('ola', stack.offersSeen('ola'), agentPhone.port);
      const { endpoint } = answered;
      talking = agentPhone.sendAudio({ address: endpoint.localAddress, port: endpoint.localPort }, 200, 7, 8);
      return answered;
    })();

    try {
      const result = await dialTrunk('caller-talks-to-agent.xml', DID, 40_000);
      expect(result.exitCode, result.output).toBe(0);
      const { offer, connected } = await agentAnswers;
      expect(connected.call?.agentId).toBe('ola');
      expect(connected.call?.customerLeg?.rtpEndpointId).toBeTruthy();

      // The agent heard the caller: g711a.pcap's 236 packets of the second play, bridged through media.
      expect(agentPhone.audio(8).length).toBeGreaterThan(200);
      const interactionId = offer.interactionId;
      const closed = await waitFor(() =>
        events.find(
          (event) =>
            event.type === 'media.endpoint_closed' &&
            event.interactionId === interactionId &&
            event.mediaEndpointClosed?.reason === 'bye',
        ),
      );
      // The caller heard the agent: what media sent to the caller's endpoint while bridged.
      expect(Number(closed.mediaEndpointClosed?.packetsSent)).toBeGreaterThan(100);
      expect(Number(closed.mediaEndpointClosed?.packetsReceived)).toBeGreaterThan(2 * 236);

      // Music on hold played while the call waited, and stopped when the agent connected.
      const music = events.find(
        (event) =>
          event.type === 'media.prompt_finished' &&
          event.interactionId === interactionId &&
          event.mediaPromptFinished?.reason === PromptEndReason.PROMPT_END_REASON_STOPPED,
      );
      expect(Number(music?.mediaPromptFinished?.playedMs)).toBeGreaterThan(0);

      // The queue has no wrap-up time: the caller's hang-up completes the interaction at routing.
      await waitFor(() => story(interactionId).includes('interaction.completed') || undefined, {
        description: 'routing to complete the interaction',
      });
      const types = story(interactionId);
      const order = [
        'interaction.created',
        'interaction.ivr_started',
        'interaction.attributes_updated',
        'interaction.queued',
        'offer.created',
        'interaction.connected',
        'media.bridged',
        // (media.endpoint_closed and interaction.completed both follow the BYE, from two services, in either order)
        'interaction.completed',
      ].map((type) => types.indexOf(type));
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    } finally {
      await talking?.catch(() => undefined);
      agentPhone.close();
    }
  }, 60_000);

  it('holds and resumes the customer for the agent, then ends the call from the agent’s side with our BYE', async () => {
    const gatewayClient = stack.gatewayRpc();
    const offersBefore = stack.offersSeen('ola');
    const agentHangsUp = (async () => {
      const { offer, callId } = await stack.agentAnswersNextOffer('ola', offersBefore);
      const listed = await gatewayClient.listActiveCalls(ListActiveCallsRequest.fromPartial({ agentId: 'ola' }));
      expect(listed.calls.map((call) => [call.id, call.state])).toEqual([[callId, CallState.CALL_STATE_ESTABLISHED]]);
      // The agent holds the customer for a moment: music at media, then back.
      const agent = { kind: ActorKind.ACTOR_KIND_AGENT, id: 'ola', displayName: 'Ola' };
      const held = await gatewayClient.holdCall({ callId, musicPrompt: '', actor: agent });
      expect(held.call?.state).toBe(CallState.CALL_STATE_ON_HOLD);
      const customerLeg = held.call!.customerLeg!.rtpEndpointId!;
      expect(stack.media.engine.graph.endpoints.get(customerLeg)?.listening.isHeld).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const resumed = await gatewayClient.resumeCall({ callId, actor: agent });
      expect(resumed.call?.state).toBe(CallState.CALL_STATE_ESTABLISHED);
      expect(stack.media.engine.graph.endpoints.get(customerLeg)?.listening.isHeld).toBe(false);
      await gatewayClient.hangUpCall({
        callId,
        actor: { kind: ActorKind.ACTOR_KIND_AGENT, id: 'ola', displayName: 'Ola' },
        q850Cause: 0,
      });
      return offer.interactionId;
    })();
    // This caller talks while the flow, the queue and the agent go by, then answers our BYE.
    const result = await dialTrunk('caller-picks-1-then-is-hung-up.xml', DID, 40_000);
    const interactionId = await agentHangsUp;
    expect(result.exitCode, result.output).toBe(0);
    const completed = await waitFor(() =>
      events.find((event) => event.type === 'interaction.completed' && event.interactionId === interactionId),
    );
    expect(completed.interactionCompleted).toBeDefined();
    const types = story(interactionId);
    expect(types.indexOf('interaction.held')).toBeGreaterThan(types.indexOf('interaction.connected'));
    expect(types.indexOf('interaction.resumed')).toBeGreaterThan(types.indexOf('interaction.held'));
    const resumedEvent = events.find(
      (event) => event.type === 'interaction.resumed' && event.interactionId === interactionId,
    );
    expect(Number(resumedEvent?.interactionResumed?.holdMs)).toBeGreaterThanOrEqual(1_000);
    expect(resumedEvent?.interactionResumed?.actor?.id).toBe('ola');
    await expect(
      gatewayClient.hangUpCall({ callId: 'no-such-call', actor: undefined, q850Cause: 0 }),
    ).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_CALL_NOT_FOUND' });
  }, 60_000);
});
