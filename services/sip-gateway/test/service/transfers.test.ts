// Transfers of a connected call, every part real (routing, media, the gateway, sipp callers with RTP): blind to
// another queue (the first agent leaves, the next one talks with the caller), blind to an external number (a leg
// through the trunk to a sipp far end, bridged at media, both sides' audio counted there), and the errors for
// transfers that cannot be made.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@parley/kit/testing';
import { RtpPeer } from '@parley/media/testing';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { TransferMode } from '@parley/protos/parley/common/v1/interaction';
import { Queue } from '@parley/protos/parley/common/v1/queue';
import { CallState } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, sippMediaPort, sippPort } from '../support/sipp.js';
import { startVoiceStack, type VoiceStack } from '../support/voice-stack.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');
const SITE = 'poz';
const DID = '+48611234567';
/** Its flow hands every call straight to the external number. */
const FORWARD_DID = '+48611234568';
const EXTERNAL_NUMBER = '+48601234567';

let stack: VoiceStack;
let events: VoiceStack['events'];
/** Where the carrier's far end (a sipp UAS) listens: the trunk's outbound proxy. */
let farEndPort: number;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const story = (interactionId: string) => stack.story(interactionId);
const ola = { kind: ActorKind.ACTOR_KIND_AGENT, id: 'ola', displayName: 'Ola' };

const dialTrunk = (scenario: string, timeoutMs: number, did = DID) =>
  runSipp(
    ['-sf', path.join(scenarios, scenario), '-s', did, `127.0.0.1:${stack.gateway.endpoint.port}`, '-m', '1'],
    timeoutMs,
  );

/** The consulted or transferred-to number: a sipp far end that answers, talks 4.7 s and waits for our BYE. */
async function farEndAnswers() {
  const mediaPort = await sippMediaPort();
  return runSipp(
    ['-sf', path.join(scenarios, 'far-end-answers.xml'), '-m', '1', '-mp', String(mediaPort)],
    50_000,
    farEndPort,
  );
}

const agent = (id: string, skill: string) =>
  Agent.fromPartial({
    id,
    displayName: id,
    siteId: SITE,
    skills: [{ name: skill, level: 2 }],
    capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }],
  });

beforeAll(async () => {
  farEndPort = await sippPort();
  stack = await startVoiceStack({
    name: 'transfers',
    site: SITE,
    rtpPorts: 47000,
    trunks: [
      {
        id: 'pstn',
        name: 'PSTN',
        sources: ['127.0.0.0/8'],
        maxCalls: 10,
        dids: { [DID]: 'sales', [FORWARD_DID]: 'forward' },
        outbound: { proxy: `127.0.0.1:${farEndPort}`, prefixes: ['+48'], callerId: DID },
      },
    ],
    flows: {
      forward: { schemaVersion: 1, start: 'out', nodes: { out: { type: 'transfer', number: EXTERNAL_NUMBER } } },
      sales: {
        schemaVersion: 1,
        start: 'menu',
        nodes: {
          menu: { type: 'menu', prompt: 'main-menu', options: { '1': 'queue' }, timeoutMs: 10_000, fallback: 'bye' },
          queue: { type: 'enqueue', queue: 'sales', announceEverySeconds: 0 },
          bye: { type: 'hangUp' },
        },
      },
    },
    queues: ['sales', 'support'].map((id) =>
      Queue.fromPartial({
        id,
        displayName: id,
        channels: [Channel.CHANNEL_VOICE],
        skillsExpression: `skill.${id} >= 1`,
      }),
    ),
    agents: [agent('ola', 'sales'), agent('piotr', 'support')],
  });
  events = stack.events;
  await stack.loginAgent('ola');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('transferring a connected call', () => {
  it('transfers the caller blind to another queue: the first agent leaves, the second one talks with the caller', async () => {
    await stack.loginAgent('piotr');
    const olaPhone = await RtpPeer.open(0x01a);
    const piotrPhone = await RtpPeer.open(0x0b0);
    const olaOffers = stack.offersSeen('ola');
    const piotrOffers = stack.offersSeen('piotr');
    const ola = { kind: ActorKind.ACTOR_KIND_AGENT, id: 'ola', displayName: 'Ola' };
    const agents = (async () => {
      const first = await stack.agentAnswersNextOffer('ola', olaOffers, olaPhone.port);
      await sleep(300);
      const transferred = await stack.gatewayRpc().transferCall({
        callId: first.callId,
        mode: TransferMode.TRANSFER_MODE_BLIND,
        target: { queueId: 'support' },
        priorityBoost: 10,
        actor: ola,
      });
      const heardByOla = olaPhone.audio(8).length;
      const second = await stack.agentAnswersNextOffer('piotr', piotrOffers, piotrPhone.port);
      return { first, transferred, heardByOla, second };
    })();
    try {
      const result = await dialTrunk('caller-talks-through-transfer.xml', 45_000);
      expect(result.exitCode, result.output).toBe(0);
      const { first, transferred, heardByOla, second } = await agents;
      // Right after the transfer the call waits again, with nobody connected.
      expect(transferred.call?.state).toBe(CallState.CALL_STATE_ESTABLISHED);
      expect(transferred.call?.agentId).toBe('');
      expect(second.connected.call?.agentId).toBe('piotr');
      // Ola heard nothing more after the transfer; Piotr heard the caller's later bursts (236 packets each).
      expect(olaPhone.audio(8).length).toBe(heardByOla);
      expect(piotrPhone.audio(8).length).toBeGreaterThan(236);

      const interactionId = first.offer.interactionId;
      expect(second.offer.interactionId).toBe(interactionId);
      await waitFor(() => story(interactionId).includes('interaction.completed') || undefined, {
        description: 'routing to complete the transferred interaction',
      });
      const types = story(interactionId);
      const order = [
        'interaction.connected',
        'media.bridged',
        'interaction.transferred',
        'media.unbridged',
        'interaction.completed',
      ].map((type) => types.indexOf(type));
      expect(
        order.every((index) => index >= 0),
        types.join(' '),
      ).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      const transferredEvent = events.find(
        (event) => event.type === 'interaction.transferred' && event.interactionId === interactionId,
      );
      expect(transferredEvent?.queueId).toBe('support');
      expect(transferredEvent?.interactionTransferred?.fromQueueId).toBe('sales');
      expect(types.filter((type) => type === 'media.bridged')).toHaveLength(2);
    } finally {
      olaPhone.close();
      piotrPhone.close();
    }
  }, 60_000);

  it('transfers the caller blind to an external number: a trunk leg bridged at media, audio both ways', async () => {
    const olaOffers = stack.offersSeen('ola');
    const mediaPort = await sippMediaPort();
    const farEnd = runSipp(
      ['-sf', path.join(scenarios, 'far-end-answers.xml'), '-m', '1', '-mp', String(mediaPort)],
      50_000,
      farEndPort,
    );
    const agentTransfers = (async () => {
      const answered = await stack.agentAnswersNextOffer('ola', olaOffers);
      await sleep(300);
      const transferred = await stack.gatewayRpc().transferCall({
        callId: answered.callId,
        mode: TransferMode.TRANSFER_MODE_BLIND,
        target: { phoneNumber: EXTERNAL_NUMBER },
        priorityBoost: 0,
        actor: ola,
      });
      return { answered, transferred };
    })();
    const caller = await dialTrunk('caller-talks-through-transfer.xml', 45_000);
    expect(caller.exitCode, caller.output).toBe(0);
    const far = await farEnd;
    expect(far.exitCode, far.output).toBe(0); // answered, then got our BYE when the caller hung up
    const { answered } = await agentTransfers;
    const interactionId = answered.offer.interactionId;

    // The far end's leg at media: it heard the caller's later bursts and sent its own 4.7 s of audio.
    const farLeg = await waitFor(() =>
      events.find(
        (event) =>
          event.type === 'media.endpoint_closed' &&
          event.interactionId === interactionId &&
          event.callId !== answered.callId,
      ),
    );
    expect(Number(farLeg.mediaEndpointClosed?.packetsReceived)).toBeGreaterThan(200);
    expect(Number(farLeg.mediaEndpointClosed?.packetsSent)).toBeGreaterThan(236);
    expect(farLeg.mediaEndpointClosed?.reason).toBe('hangup');

    const transferred = events.find(
      (event) =>
        event.type === 'interaction.transferred' &&
        event.interactionId === interactionId &&
        event.source === 'sip-gateway',
    );
    expect(transferred?.interactionTransferred?.target?.phoneNumber).toBe(EXTERNAL_NUMBER);
    expect(transferred?.interactionTransferred?.fromAgentId).toBe('ola');
    // Routing ended Ola's part (no wrap-up in this queue): she is free for the next call.
    const types = story(interactionId);
    expect(types.indexOf('interaction.completed')).toBeGreaterThan(types.indexOf('interaction.connected'));
    expect(types.filter((type) => type === 'media.bridged')).toHaveLength(2);
    expect(stack.gateway.endpoint.dialer.activeDialogs).toBe(0);
  }, 70_000);

  it('consults a number with the caller on hold, then hands the caller over: the agent leaves', async () => {
    const olaPhone = await RtpPeer.open(0x0c1);
    const olaOffers = stack.offersSeen('ola');
    const farEnd = farEndAnswers();
    const agentConsults = (async () => {
      const answered = await stack.agentAnswersNextOffer('ola', olaOffers, olaPhone.port);
      await sleep(300);
      const consulting = await stack.gatewayRpc().transferCall({
        callId: answered.callId,
        mode: TransferMode.TRANSFER_MODE_CONSULTATIVE,
        target: { phoneNumber: EXTERNAL_NUMBER },
        priorityBoost: 0,
        actor: ola,
      });
      const customerLeg = consulting.call!.customerLeg!.rtpEndpointId!;
      const heldDuringConsultation = stack.media.engine.graph.endpoints.get(customerLeg)?.listening.isHeld;
      // Ola hears the number (its 4.7 s of audio) while the caller waits.
      const before = olaPhone.audio(8).length;
      await waitFor(() => olaPhone.audio(8).length > before + 150 || undefined, {
        timeoutMs: 10_000,
        description: 'Ola to hear the consulted number',
      });
      const completed = await stack
        .gatewayRpc()
        .completeTransfer({ consultationId: consulting.consultationId, actor: ola });
      return { answered, consulting, heldDuringConsultation, completed };
    })();
    try {
      const caller = await dialTrunk('caller-talks-through-transfer.xml', 45_000);
      expect(caller.exitCode, caller.output).toBe(0);
      const far = await farEnd;
      expect(far.exitCode, far.output).toBe(0); // got our BYE when the caller hung up
      const { answered, consulting, heldDuringConsultation, completed } = await agentConsults;
      expect(consulting.call?.state).toBe(CallState.CALL_STATE_CONSULTING);
      expect(consulting.consultationId).toBeTruthy();
      expect(heldDuringConsultation).toBe(true);
      expect(completed.call?.state).toBe(CallState.CALL_STATE_ESTABLISHED);
      expect(completed.call?.agentId).toBe('');

      const interactionId = answered.offer.interactionId;
      // The number heard the caller's bursts after the hand-over.
      const farLeg = await waitFor(() =>
        events.find(
          (event) =>
            event.type === 'media.endpoint_closed' &&
            event.interactionId === interactionId &&
            event.callId !== answered.callId,
        ),
      );
      expect(Number(farLeg.mediaEndpointClosed?.packetsSent)).toBeGreaterThan(236);
      const transferred = events.find(
        (event) =>
          event.type === 'interaction.transferred' &&
          event.interactionId === interactionId &&
          event.source === 'sip-gateway',
      );
      expect(transferred?.interactionTransferred?.mode).toBe(TransferMode.TRANSFER_MODE_CONSULTATIVE);
      const types = story(interactionId);
      expect(types.indexOf('interaction.held')).toBeGreaterThan(types.indexOf('interaction.connected'));
      expect(types.indexOf('interaction.resumed')).toBeGreaterThan(types.indexOf('interaction.held'));
      expect(types.indexOf('interaction.transferred')).toBeGreaterThan(types.indexOf('interaction.resumed'));
    } finally {
      olaPhone.close();
    }
  }, 70_000);

  it('cancels a consultation: the number is hung up and the agent talks with the caller again', async () => {
    const olaPhone = await RtpPeer.open(0x0c2);
    const olaOffers = stack.offersSeen('ola');
    const farEnd = farEndAnswers();
    const agentConsults = (async () => {
      const answered = await stack.agentAnswersNextOffer('ola', olaOffers, olaPhone.port);
      await sleep(300);
      const consulting = await stack.gatewayRpc().transferCall({
        callId: answered.callId,
        mode: TransferMode.TRANSFER_MODE_CONSULTATIVE,
        target: { phoneNumber: EXTERNAL_NUMBER },
        priorityBoost: 0,
        actor: ola,
      });
      const before = olaPhone.audio(8).length;
      await waitFor(() => olaPhone.audio(8).length > before + 150 || undefined, {
        timeoutMs: 10_000,
        description: 'Ola to hear the consulted number',
      });
      // A second transfer while consulting is refused.
      await expect(
        stack.gatewayRpc().transferCall({
          callId: answered.callId,
          mode: TransferMode.TRANSFER_MODE_BLIND,
          target: { queueId: 'support' },
          priorityBoost: 0,
          actor: ola,
        }),
      ).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_TRANSFER_IN_PROGRESS' });
      const cancelled = await stack
        .gatewayRpc()
        .cancelTransfer({ consultationId: consulting.consultationId, actor: ola });
      const heardAtCancel = olaPhone.audio(8).length;
      return { answered, cancelled, heardAtCancel };
    })();
    try {
      const caller = await dialTrunk('caller-talks-through-transfer.xml', 45_000);
      expect(caller.exitCode, caller.output).toBe(0);
      const far = await farEnd;
      expect(far.exitCode, far.output).toBe(0); // got our BYE at the cancel
      const { answered, cancelled, heardAtCancel } = await agentConsults;
      expect(cancelled.call?.state).toBe(CallState.CALL_STATE_ESTABLISHED);
      expect(cancelled.call?.agentId).toBe('ola');
      // Back with Ola: she heard the caller's later bursts.
      expect(olaPhone.audio(8).length - heardAtCancel).toBeGreaterThan(236);
      const interactionId = answered.offer.interactionId;
      await waitFor(() => story(interactionId).includes('interaction.completed') || undefined);
      expect(
        events.filter((event) => event.type === 'interaction.transferred' && event.interactionId === interactionId),
      ).toEqual([]);
    } finally {
      olaPhone.close();
    }
  }, 70_000);

  it('turns a consultation into a three-way call; when the number hangs up, agent and caller talk on', async () => {
    const olaPhone = await RtpPeer.open(0x0c3);
    const olaOffers = stack.offersSeen('ola');
    // The number answers, talks 4.7 s and hangs up 7 s after answering (the same sipp party as a phone that answers).
    const mediaPort = await sippMediaPort();
    const farEnd = runSipp(
      ['-sf', path.join(scenarios, 'phone-answers-then-hangs-up.xml'), '-m', '1', '-mp', String(mediaPort)],
      50_000,
      farEndPort,
    );
    const agentConferences = (async () => {
      const answered = await stack.agentAnswersNextOffer('ola', olaOffers, olaPhone.port);
      await sleep(300);
      const consulting = await stack.gatewayRpc().transferCall({
        callId: answered.callId,
        mode: TransferMode.TRANSFER_MODE_CONSULTATIVE,
        target: { phoneNumber: EXTERNAL_NUMBER },
        priorityBoost: 0,
        actor: ola,
      });
      const before = olaPhone.audio(8).length;
      await waitFor(() => olaPhone.audio(8).length > before + 50 || undefined, {
        timeoutMs: 10_000,
        description: 'Ola to hear the consulted number',
      });
      const conference = await stack
        .gatewayRpc()
        .conferenceCall({ consultationId: consulting.consultationId, actor: ola });
      const atConference = olaPhone.audio(8).length;
      // Two seconds into the conference, the number's leg has been sent the mix of the caller and Ola.
      await sleep(2_000);
      const customerLeg = consulting.call!.customerLeg!.rtpEndpointId;
      const numberLeg = [...stack.media.engine.graph.endpoints.values()].find(
        (endpoint) =>
          endpoint.spec.interactionId === answered.offer.interactionId &&
          endpoint.spec.id !== customerLeg &&
          endpoint.spec.id !== answered.endpoint.id,
      );
      const sentToNumber = (await numberLeg!.packetCounts()).packetsSent;
      // The number hangs up: back to a call between Ola and the caller.
      await waitFor(
        async () => {
          const { calls } = await stack.gatewayRpc().listActiveCalls({
            siteId: '',
            agentId: 'ola',
            interactionId: '',
            trunkId: '',
            paging: undefined,
          });
          return calls[0]?.state === CallState.CALL_STATE_ESTABLISHED || undefined;
        },
        { timeoutMs: 20_000, description: 'the number to leave the conference' },
      );
      const afterConference = olaPhone.audio(8).length;
      return { answered, conference, atConference, afterConference, sentToNumber };
    })();
    try {
      const caller = await dialTrunk('caller-talks-through-transfer.xml', 45_000);
      expect(caller.exitCode, caller.output).toBe(0);
      const far = await farEnd;
      expect(far.exitCode, far.output).toBe(0);
      const { conference, atConference, afterConference, sentToNumber } = await agentConferences;
      expect(conference.call?.state).toBe(CallState.CALL_STATE_CONFERENCE);
      // In the conference Ola heard the caller and the number mixed; after it, the caller's last burst directly.
      expect(afterConference - atConference).toBeGreaterThan(200);
      expect(olaPhone.audio(8).length - afterConference).toBeGreaterThan(200);
      expect(sentToNumber).toBeGreaterThan(50);
    } finally {
      olaPhone.close();
    }
  }, 70_000);

  it('hands a caller to the number of a flow’s transfer node, with no agent involved', async () => {
    const farEnd = farEndAnswers();
    const caller = await dialTrunk('caller-talks-through-transfer.xml', 45_000, FORWARD_DID);
    expect(caller.exitCode, caller.output).toBe(0);
    const far = await farEnd;
    expect(far.exitCode, far.output).toBe(0); // answered, then got our BYE when the caller hung up
    const transferred = await waitFor(() =>
      events.find(
        (event) =>
          event.type === 'interaction.transferred' &&
          event.interactionTransferred?.target?.phoneNumber === EXTERNAL_NUMBER &&
          event.interactionTransferred?.actor?.kind === ActorKind.ACTOR_KIND_SYSTEM,
      ),
    );
    const interactionId = transferred.interactionId;
    const callerCallId = events.find(
      (event) => event.type === 'interaction.created' && event.interactionId === interactionId,
    )!.callId;
    // Both directions through media: the number's 4.7 s to the caller, the caller's bursts to the number.
    const numberLeg = await waitFor(() =>
      events.find(
        (event) =>
          event.type === 'media.endpoint_closed' &&
          event.interactionId === interactionId &&
          event.callId !== callerCallId,
      ),
    );
    expect(Number(numberLeg.mediaEndpointClosed?.packetsReceived)).toBeGreaterThan(200);
    expect(Number(numberLeg.mediaEndpointClosed?.packetsSent)).toBeGreaterThan(236);
    // Never queued: routing did not see the call.
    expect(story(interactionId)).not.toContain('interaction.queued');
  }, 70_000);

  it('refuses transfers it cannot make with a clear error', async () => {
    const transfer = (fields: Partial<Parameters<ReturnType<VoiceStack['gatewayRpc']>['transferCall']>[0]>) =>
      stack.gatewayRpc().transferCall({
        callId: 'x',
        mode: TransferMode.TRANSFER_MODE_BLIND,
        target: { queueId: 'support' },
        priorityBoost: 0,
        actor: undefined,
        ...fields,
      });
    await expect(transfer({ callId: 'no-such-call' })).rejects.toMatchObject({
      code: 'PARLEY_SIP_GATEWAY_CALL_NOT_FOUND',
    });
    for (const bad of [
      { mode: TransferMode.TRANSFER_MODE_UNSPECIFIED },
      { priorityBoost: 101 },
      { target: { phoneNumber: '0601234567' } },
    ]) {
      await expect(transfer(bad)).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT' });
    }
  });
});
