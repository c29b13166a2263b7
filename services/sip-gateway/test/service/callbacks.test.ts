// Callbacks end to end, every part real (routing, media, the gateway, sipp on both sides of the trunk): a waiting
// caller takes the queue's offer of a callback (a SIP INFO key) and keeps their place in line; an agent who
// accepts the callback gets the customer dialled back through the trunk (a sipp far end that answers and talks),
// bridged with the agent's leg, and hangs up; a number nobody answers ends the agent's part at routing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@parley/kit/testing';
import { RtpPeer } from '@parley/media/testing';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { Queue } from '@parley/protos/parley/common/v1/queue';
import { AudioCodec, CreateRtpEndpointRequest } from '@parley/protos/parley/media/v1/media';
import { CallState, OriginateKind } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, sippMediaPort, sippPort, udpPortBound } from '../support/sipp.js';
import { startVoiceStack, type VoiceStack } from '../support/voice-stack.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');
const SITE = 'wro';
/** Straight into a queue that offers callbacks after 2 s. */
const DID = '+48711234568';
/** The number sipp's caller presents (its From), which the callback dials. */
const CALLER = '+48600111222';

let stack: VoiceStack;
let events: VoiceStack['events'];
/** Where the carrier's far end (a sipp UAS) listens: the trunk's outbound proxy. */
let farEndPort: number;
/** The callback the first test leaves waiting in the queue; the second one calls it back. */
let callbackInteraction: string | undefined;

const story = (interactionId: string) => stack.story(interactionId);
const dialTrunk = (scenario: string, timeoutMs: number) =>
  runSipp(
    ['-sf', path.join(scenarios, scenario), '-s', DID, `127.0.0.1:${stack.gateway.endpoint.port}`, '-m', '1'],
    timeoutMs,
  );

beforeAll(async () => {
  farEndPort = await sippPort();
  stack = await startVoiceStack({
    name: 'callbacks',
    site: SITE,
    rtpPorts: 48000,
    trunks: [
      {
        id: 'pstn',
        name: 'PSTN',
        sources: ['127.0.0.0/8'],
        maxCalls: 10,
        dids: { [DID]: 'callback' },
        outbound: { proxy: `127.0.0.1:${farEndPort}`, prefixes: ['+48'], callerId: DID, codec: 'PCMA' },
      },
    ],
    flows: {
      callback: {
        schemaVersion: 1,
        start: 'queue',
        nodes: {
          queue: { type: 'enqueue', queue: 'callbacks', announceEverySeconds: 0, offerCallbackAfterSeconds: 2 },
        },
      },
    },
    queues: [
      Queue.fromPartial({
        id: 'callbacks',
        displayName: 'Callbacks',
        channels: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CALLBACK],
        skillsExpression: 'skill.callbacks >= 1',
      }),
    ],
    // Not logged in until the second test: the first caller waits until they take the callback.
    agents: [
      Agent.fromPartial({
        id: 'kasia',
        displayName: 'Kasia',
        siteId: SITE,
        skills: [{ name: 'callbacks', level: 1 }],
        capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }], // callbacks use the voice entry
      }),
    ],
  });
  events = stack.events;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('callbacks', () => {
  it('offers a waiting caller a callback: the key keeps their place as a callback and the call ends, no abandon', async () => {
    const result = await dialTrunk('caller-takes-callback.xml', 40_000);
    expect(result.exitCode, result.output).toBe(0);
    const requested = await waitFor(
      () => events.find((event) => event.type === 'interaction.callback_requested' && event.queueId === 'callbacks'),
      { description: 'routing to turn the call into a callback' },
    );
    const interactionId = requested.interactionId;
    callbackInteraction = interactionId;
    const types = story(interactionId);
    expect(types.indexOf('interaction.callback_requested')).toBeGreaterThan(types.indexOf('interaction.queued'));
    expect(types).not.toContain('interaction.abandoned');
    // The offer played (and was listened to), then the confirmation.
    const prompts = events.filter(
      (event) => event.type === 'media.prompt_finished' && event.interactionId === interactionId,
    );
    expect(prompts.length).toBeGreaterThanOrEqual(2);
    const closed = await waitFor(() =>
      events.find((event) => event.type === 'media.endpoint_closed' && event.interactionId === interactionId),
    );
    expect(closed.mediaEndpointClosed?.reason).toBe('callback');
    // Still in line at routing, now as a callback.
    const position = await stack.routingClient().getInteractionPosition({ interactionId });
    expect(position.position?.position).toBe(1);
  }, 60_000);

  it('calls the customer back through the trunk for the agent who accepts, bridged with the agent, until she hangs up', async () => {
    expect(callbackInteraction).toBeDefined();
    const interactionId = callbackInteraction!;
    const mediaPort = await sippMediaPort();
    const farEnd = runSipp(
      ['-sf', path.join(scenarios, 'far-end-answers.xml'), '-m', '1', '-mp', String(mediaPort)],
      40_000,
      farEndPort,
    );
    await udpPortBound(farEndPort); // sipp has bound its port
    const kasiaPhone = await RtpPeer.open(0x05a);
    try {
      await stack.loginAgent('kasia');
      const offer = await waitFor(
        () => events.find((event) => event.type === 'offer.created' && event.interactionId === interactionId),
        { timeoutMs: 10_000, description: 'the callback offered to Kasia' },
      );
      await stack.routingClient().acceptOffer({ offerId: offer.offerId, agentId: 'kasia' });
      const { endpoint } = await stack.mediaRpc().createRtpEndpoint(
        CreateRtpEndpointRequest.fromPartial({
          endpointId: `kasia-${interactionId}`,
          interactionId,
          offeredCodecs: [{ codec: AudioCodec.AUDIO_CODEC_PCMA, payloadType: 8 }],
          remoteAddress: '127.0.0.1',
          remotePort: kasiaPhone.port,
        }),
      );
      const gateway = stack.gatewayRpc();
      const request = {
        kind: OriginateKind.ORIGINATE_KIND_CALLBACK,
        interactionId,
        to: CALLER,
        callerId: '',
        trunkId: '',
        agentId: 'kasia',
        agentLeg: { rtpEndpointId: endpoint!.id },
        ringTimeoutMs: 20_000,
        attributes: {},
        actor: { kind: ActorKind.ACTOR_KIND_AGENT, id: 'kasia', displayName: 'Kasia' },
      };
      const dialling = await gateway.originateCall(request);
      expect(dialling.call?.state).toBe(CallState.CALL_STATE_DIALING);
      expect(dialling.call?.direction).toBe(Direction.DIRECTION_OUTBOUND);
      // Asking again (a retry after a lost answer) returns the same call, not a second one.
      expect((await gateway.originateCall(request)).call?.id).toBe(dialling.call?.id);
      const callId = dialling.call!.id;
      await waitFor(
        async () => {
          const { calls } = await gateway.listActiveCalls({
            siteId: '',
            agentId: 'kasia',
            interactionId: '',
            trunkId: '',
          });
          return calls[0]?.state === CallState.CALL_STATE_ESTABLISHED || undefined;
        },
        { description: 'the customer to answer' },
      );
      const talking = kasiaPhone.sendAudio({ address: endpoint!.localAddress, port: endpoint!.localPort }, 150, 3, 8);
      // The customer (sipp) talks for 4.7 s after answering.
      await waitFor(() => kasiaPhone.audio(8).length > 200 || undefined, {
        timeoutMs: 10_000,
        description: 'Kasia to hear the customer',
      });
      await talking;
      await gateway.hangUpCall({ callId, actor: request.actor, q850Cause: 0 });
      const far = await farEnd;
      expect(far.exitCode, far.output).toBe(0); // answered, then got our BYE

      const customerLeg = await waitFor(() =>
        events.find((event) => event.type === 'media.endpoint_closed' && event.callId === callId),
      );
      expect(Number(customerLeg.mediaEndpointClosed?.packetsSent)).toBeGreaterThan(100); // Kasia's voice
      await waitFor(() => story(interactionId).includes('interaction.completed') || undefined, {
        description: 'routing to complete the callback',
      });
      expect(stack.gateway.endpoint.dialer.activeDialogs).toBe(0);
    } finally {
      kasiaPhone.close();
    }
  }, 60_000);

  it('refuses what it cannot dial with a clear error', async () => {
    const gateway = stack.gatewayRpc();
    const base = {
      kind: OriginateKind.ORIGINATE_KIND_CALLBACK,
      interactionId: 'cb-1',
      to: '+33123456789',
      callerId: '',
      trunkId: '',
      agentId: 'kasia',
      agentLeg: { rtpEndpointId: 'some-leg' },
      ringTimeoutMs: 0,
      attributes: {},
      actor: undefined,
    };
    await expect(gateway.originateCall(base)).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_NO_ROUTE' });
    await expect(gateway.originateCall({ ...base, to: '0601234567' })).rejects.toMatchObject({
      code: 'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT',
    });
    await expect(gateway.originateCall({ ...base, kind: OriginateKind.ORIGINATE_KIND_OUTBOUND })).rejects.toMatchObject(
      {
        code: 'PARLEY_SIP_GATEWAY_UNIMPLEMENTED',
      },
    );
  });
});
