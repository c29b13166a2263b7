// The demo data against a routing replica and a SIP gateway run in-process on the machine's NATS, each with its own
// namespaced streams, buckets and RPC domains (so a developer's `pnpm start` on the same NATS is never touched).
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, uniqueName, type TestEventStreams } from '@parley/kit/testing';
import { AgentDevice, AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { Interaction, InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { loadRoutingConfig } from '@parley/routing/config';
import { startRoutingReplica } from '@parley/routing/replica';
import { namespacedRoutingResources, removeRoutingResources } from '@parley/routing/resources';
import { loadSipGatewayConfig } from '@parley/sip-gateway/config';
import { startSipGatewayService } from '@parley/sip-gateway/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../src/demo-data.js';
import {
  CHAT_QUEUE_ID,
  DEMO_FLOW_ID,
  DEMO_SITE,
  demoFlow,
  SUPPORT_QUEUE_ID,
  wrapUpCodes,
} from '../src/demo-records.js';
import { LocalRunnerError } from '../src/errors.js';
import { connectServices, type ServiceClients, type ServiceDomains } from '../src/service-rpc.js';
import { clearCallsLeftBehind } from '../src/stale-calls.js';

const environment = {
  NATS_URL: testNatsUrl,
  LOG_LEVEL: 'silent',
  GRPC_HOST: '127.0.0.1',
  HTTP_HOST: '127.0.0.1',
  GRPC_PORT: '0',
  HTTP_PORT: '0',
  PARLEY_SITE: DEMO_SITE,
};

describe('demo data', () => {
  const run = uniqueName('demo');
  const resources = namespacedRoutingResources(run);
  const domains: ServiceDomains = { routing: `${run}.p0`, sipGateway: `${run}-sip-gateway` };
  const buckets = { flows: `${run}_flows`, registrations: `${run}_registrations` };
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let streams: TestEventStreams;
  let routing: Awaited<ReturnType<typeof startRoutingReplica>> | undefined;
  let gateway: Awaited<ReturnType<typeof startSipGatewayService>> | undefined;
  let clients: ServiceClients;

  beforeAll(async () => {
    nc = await connectNats({
      servers: [testNatsUrl],
      name: `${run}-test`,
      logger: createLogger({ service: 't', level: 'silent' }),
    });
    jsm = await jetstreamManager(nc);
    streams = await createTestEventStreams(jsm);
    routing = await startRoutingReplica({
      config: loadRoutingConfig(environment),
      eventStreams: streams.config,
      handleSignals: false,
      resources,
    });
    gateway = await startSipGatewayService({
      config: loadSipGatewayConfig({
        ...environment,
        SIP_HOST: '127.0.0.1',
        SIP_PORT: '0',
        SIP_MEDIA: 'none',
        SIP_RPC_DOMAIN: domains.sipGateway,
        SIP_ROUTING_RPC_DOMAIN: domains.routing,
        SIP_FLOWS_BUCKET: buckets.flows,
        SIP_REGISTRATIONS_BUCKET: buckets.registrations,
      }),
      eventStreams: streams.config,
      handleSignals: false,
    });
    clients = await connectServices(testNatsUrl, domains);
  });

  afterAll(async () => {
    await clients?.close();
    await gateway?.stop();
    await routing?.stop();
    if (nc === undefined) return;
    await removeRoutingResources(nc, resources, DEMO_SITE, ['p0']);
    await streams?.remove();
    for (const bucket of Object.values(buckets)) await jsm.streams.delete(`KV_${bucket}`).catch(() => false);
    await closeNats(nc);
  });

  /** Everything the demo data touches, as the services report it. */
  async function picture() {
    const [reasons, codes, queues, agents, flows, flow] = await Promise.all([
      clients.routing.listNotReadyReasons({}),
      clients.routing.listWrapUpCodes({ queueId: '', includeInactive: true }),
      clients.routing.listQueues({ siteId: '', channel: Channel.CHANNEL_UNSPECIFIED }),
      clients.routing.listAgents({ siteId: '', teamId: '', states: [] }),
      clients.sipGateway.listFlows({}),
      clients.sipGateway.getFlow({ flowId: DEMO_FLOW_ID, version: 0 }),
    ]);
    return { reasons, codes, queues, agents, flows, flow };
  }

  const seed = async () => {
    const lines: string[] = [];
    await seedDemoData({ clients, domains, waitTimeoutMs: 30_000, report: (line) => lines.push(line) });
    return lines;
  };

  it('seeds reasons, wrap-up codes, queues, agents and the IVR flow, and a second run changes nothing', async () => {
    const first = await seed();
    const before = await picture();

    const reasons = new Map(before.reasons.reasons.map((reason) => [reason.code, reason]));
    for (const code of ['break', 'lunch', 'training', 'meeting']) expect(reasons.get(code)?.system).toBe(false);
    expect(reasons.get('training')?.productive).toBe(true);
    expect(reasons.get('lunch')?.productive).toBe(false);

    expect(before.codes.wrapUpCodes.map((code) => code.id).sort()).toEqual(
      wrapUpCodes.map(({ code }) => code.id).sort(),
    );
    expect(before.codes.wrapUpCodes.every((code) => code.active)).toBe(true);

    const queues = new Map(before.queues.queues.map((queue) => [queue.id, queue]));
    expect([...queues.keys()].sort()).toEqual([CHAT_QUEUE_ID, SUPPORT_QUEUE_ID]);
    const support = queues.get(SUPPORT_QUEUE_ID);
    expect(support).toMatchObject({
      channels: [Channel.CHANNEL_VOICE],
      siteIds: [DEMO_SITE],
      serviceLevel: { percent: 80, thresholdMs: 20_000 },
      offerTimeouts: [{ channel: Channel.CHANNEL_VOICE, timeoutMs: 20_000 }],
      revision: 1,
    });
    expect(support?.wrapUp).toMatchObject({ timeoutMs: 30_000, autoAvailable: true });
    expect(support?.wrapUp?.wrapUpCodeIds).toHaveLength(4);
    expect(queues.get(CHAT_QUEUE_ID)?.channels).toEqual([Channel.CHANNEL_CHAT]);

    const agents = new Map(before.agents.agents.map((agent) => [agent.id, agent]));
    expect([...agents.keys()].sort()).toEqual(['anna', 'ewa', 'piotr']);
    const anna = agents.get('anna');
    expect(anna?.siteId).toBe(DEMO_SITE);
    expect(anna?.capacities.map((c) => [c.channel, c.maxConcurrent])).toEqual([
      [Channel.CHANNEL_VOICE, 1],
      [Channel.CHANNEL_CHAT, 3],
    ]);
    // Anna logs in herself; the routing-only agents are parked NOT_READY so they are never offered a call.
    expect(anna?.status?.state).toBe(AgentState.AGENT_STATE_OFFLINE);
    expect(agents.get('piotr')?.status).toMatchObject({
      state: AgentState.AGENT_STATE_NOT_READY,
      notReadyReason: { code: 'lunch' },
    });
    expect(agents.get('ewa')?.status?.notReadyReason?.code).toBe('training');

    expect(before.flow.flow).toMatchObject({ id: DEMO_FLOW_ID, version: 1 });
    expect(JSON.parse(before.flow.flow?.documentJson ?? '')).toEqual(demoFlow.document);
    expect(first.filter((line) => line.endsWith(': created'))).toHaveLength(4 + 4 + 2 + 3 + 1);
    expect(first).toContain('demo: agent piotr: logged in, not ready (lunch), so the wallboard has company');

    const second = await seed();
    const after = await picture();
    // Same records, same revisions and flow version, same live states: nothing was written again.
    expect(after).toEqual(before);
    expect(second.every((line) => line.endsWith('already there, kept'))).toBe(true);
    expect(second).toHaveLength(4 + 4 + 2 + 3 + 1);
  });

  it('keeps what an admin changed since the first run', async () => {
    await seed();
    const { queue } = await clients.routing.getQueue({ queueId: SUPPORT_QUEUE_ID });
    const changed = { ...queue!, displayName: 'Support (renamed)' };
    await clients.routing.upsertQueue({ queue: changed, expectedRevision: queue!.revision });
    await seed();
    expect((await clients.routing.getQueue({ queueId: SUPPORT_QUEUE_ID })).queue?.displayName).toBe(
      'Support (renamed)',
    );
  });

  it('clears voice calls an earlier run left waiting or connected, and leaves chats alone', async () => {
    await seed();
    const { routing } = clients;
    const enqueue = async (name: string, channel: Channel, queueId: string) => {
      const id = `${run}-${name}`;
      await routing.enqueueInteraction({
        interaction: Interaction.fromPartial({
          id,
          channel,
          direction: Direction.DIRECTION_INBOUND,
          siteId: DEMO_SITE,
          queueId,
          customer: { phoneNumber: '+48600111222' },
          callId: `${id}@gone`,
        }),
      });
      return id;
    };
    // Anna on a call the gateway never had (as after Ctrl-C mid-call), a second one waiting, and a chat.
    await routing.loginAgent({
      agentId: 'anna',
      sessionId: `${run}-session`,
      device: AgentDevice.AGENT_DEVICE_BROWSER,
      initialState: AgentState.AGENT_STATE_AVAILABLE,
      initialReasonCode: '',
      takeOver: true,
    });
    const talking = await enqueue('talking', Channel.CHANNEL_VOICE, SUPPORT_QUEUE_ID);
    const [offerId] = (await routing.getAgent({ agentId: 'anna' })).agent?.status?.offerIds ?? [];
    await routing.acceptOffer({ offerId: offerId ?? '', agentId: 'anna' });
    const waiting = await enqueue('waiting', Channel.CHANNEL_VOICE, SUPPORT_QUEUE_ID);
    const chat = await enqueue('chat', Channel.CHANNEL_CHAT, CHAT_QUEUE_ID);
    const lines: string[] = [];

    expect(await clearCallsLeftBehind(clients, DEMO_SITE, (line) => lines.push(line))).toBe(2);

    expect(lines).toEqual([
      `demo: call from +48600111222 left waiting in ${SUPPORT_QUEUE_ID} by an earlier run: cancelled`,
      "demo: anna's call from +48600111222, cut by an earlier run's stop: ended (to wrap-up)",
    ]);
    const state = async (interactionId: string) =>
      (await routing.getInteractionPosition({ interactionId })).interaction?.state;
    await expect(state(waiting)).rejects.toMatchObject({ code: 'PARLEY_ROUTING_INTERACTION_NOT_FOUND' });
    expect(await state(talking)).toBe(InteractionState.INTERACTION_STATE_WRAP_UP);
    expect(await state(chat)).not.toBe(InteractionState.INTERACTION_STATE_ABANDONED);
    expect(await clearCallsLeftBehind(clients, DEMO_SITE, () => undefined)).toBe(0);
  });

  it('names the services that do not answer, within the time it was given', async () => {
    const elsewhere = await connectServices(testNatsUrl, {
      routing: `${run}-nobody.p0`,
      sipGateway: domains.sipGateway,
    });
    try {
      const started = Date.now();
      const error = await seedDemoData({
        clients: elsewhere,
        domains: { routing: `${run}-nobody.p0`, sipGateway: domains.sipGateway },
        waitTimeoutMs: 1_000,
        report: () => undefined,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LocalRunnerError);
      expect(error).toMatchObject({ code: 'PARLEY_LOCAL_DEMO_SERVICES_UNREACHABLE' });
      expect((error as Error).message).toContain(`routing (parley.rpc.${run}-nobody.p0.*)`);
      expect((error as Error).message).not.toContain('sip-gateway (');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await elsewhere.close();
    }
  });
});
