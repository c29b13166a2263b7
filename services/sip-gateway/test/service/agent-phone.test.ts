// An agent on a SIP phone, every part real: the phone (sipp) registers with digest credentials (sipp's own digest
// code), the caller (sipp with RTP) presses 1 and is queued, routing offers the call to the phone agent, the gateway
// rings the registered phone; picking up accepts the offer and bridges the phone with the caller; the agent talks
// and puts the phone down, which ends the call for the caller too (our BYE) and at routing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@parley/kit/testing';
import { Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Queue } from '@parley/protos/parley/common/v1/queue';
import { SipTransport } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, sippMediaPort, sippPort } from '../support/sipp.js';
import { startVoiceStack, type VoiceStack } from '../support/voice-stack.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');
const SITE = 'szc';
const DID = '+48911234567';
const PASSWORD = 'anna-desk-phone-password';

let stack: VoiceStack;
/** The phone's port: it registers from here and is rung here. */
let phonePort: number;

beforeAll(async () => {
  phonePort = await sippPort();
  stack = await startVoiceStack({
    name: 'phones',
    site: SITE,
    rtpPorts: 49000,
    trunks: [{ id: 'pstn', name: 'PSTN', sources: ['127.0.0.0/8'], maxCalls: 10, dids: { [DID]: 'sales' } }],
    flows: {
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
        id: 'anna',
        displayName: 'Anna',
        siteId: SITE,
        sipAor: 'sip:anna@parley.test',
        skills: [{ name: 'sales', level: 2 }],
        capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }],
      }),
    ],
    gatewaySettings: {
      SIP_DOMAIN: 'parley.test',
      SIP_NONCE_SECRET: 'agent-phone-test-nonce-secret',
      SIP_PHONE_ACCOUNTS: JSON.stringify([{ username: 'anna', password: PASSWORD, agentId: 'anna' }]),
      SIP_REGISTRATIONS_BUCKET: `test_registrations_${Date.now().toString(36)}`,
    },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('an agent on a SIP phone', () => {
  it('registers, is rung for the offer, picks up to talk with the caller, and ends the call by hanging up', async () => {
    const registered = await runSipp(
      [
        '-sf',
        path.join(scenarios, 'phone-registers.xml'),
        '-s',
        'anna',
        '-au',
        'anna',
        '-ap',
        PASSWORD,
        `127.0.0.1:${stack.gateway.endpoint.port}`,
        '-m',
        '1',
      ],
      15_000,
      phonePort,
    );
    expect(registered.exitCode, registered.output).toBe(0);
    const { registrations } = await stack.gatewayRpc().listRegistrations({
      agentId: 'anna',
      aor: '',
      siteId: '',
      paging: undefined,
    });
    expect(registrations).toHaveLength(1);
    expect(registrations[0]).toMatchObject({
      aor: 'sip:anna@parley.test',
      contactUri: `sip:anna@127.0.0.1:${phonePort}`,
      agentId: 'anna',
      transport: SipTransport.SIP_TRANSPORT_UDP,
      userAgent: 'Parley test phone (sipp)',
    });

    // The phone now waits for calls on the port it registered from.
    const mediaPort = await sippMediaPort();
    const phone = runSipp(
      ['-sf', path.join(scenarios, 'phone-answers-then-hangs-up.xml'), '-m', '1', '-mp', String(mediaPort)],
      45_000,
      phonePort,
    );
    await stack.loginAgent('anna');
    // While Anna talks, what media forwards from her phone to the caller (counted live: a leg's counters go with it).
    const heardByCaller = (async () => {
      const listed = await waitFor(
        async () => {
          const { calls } = await stack.gatewayRpc().listActiveCalls({
            siteId: '',
            agentId: 'anna',
            interactionId: '',
            trunkId: '',
            paging: undefined,
          });
          return calls[0];
        },
        { timeoutMs: 30_000, description: 'the call connected to Anna' },
      );
      const callerEndpoint = stack.media.engine.graph.endpoints.get(listed.customerLeg!.rtpEndpointId!);
      let most = 0;
      await waitFor(
        async () => {
          if (!callerEndpoint || callerEndpoint.closed) return true;
          most = Math.max(most, (await callerEndpoint.packetCounts()).packetsSent);
          return most > 200 || undefined;
        },
        { timeoutMs: 15_000, description: 'the caller to hear Anna' },
      ).catch(() => undefined);
      return most;
    })();
    const caller = await runSipp(
      [
        '-sf',
        path.join(scenarios, 'caller-picks-1-then-is-hung-up.xml'),
        '-s',
        DID,
        `127.0.0.1:${stack.gateway.endpoint.port}`,
        '-m',
        '1',
      ],
      45_000,
    );
    expect(caller.exitCode, caller.output).toBe(0); // got our BYE when Anna put the phone down
    const answered = await phone;
    expect(answered.exitCode, answered.output).toBe(0);

    const { events } = stack;
    const offer = events.find((event) => event.type === 'offer.created' && event.agentId === 'anna');
    expect(offer).toBeDefined();
    const interactionId = offer!.interactionId;
    await waitFor(() => stack.story(interactionId).includes('interaction.completed') || undefined, {
      description: 'routing to complete the call',
    });
    const types = stack.story(interactionId);
    const order = ['interaction.queued', 'offer.created', 'offer.accepted', 'interaction.connected', 'media.bridged'];
    const positions = order.map((type) => types.indexOf(type));
    expect(
      positions.every((index) => index >= 0),
      types.join(' '),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // The caller heard Anna: her phone's 4.7 s of audio went through media to the caller's endpoint.
    expect(await heardByCaller).toBeGreaterThan(200);
    expect(stack.gateway.endpoint.dialer.activeDialogs).toBe(0);
  }, 90_000);
});
