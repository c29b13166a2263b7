// The agent desktop's own routes and call commands, with routing and a SIP gateway running: the catalogue of
// not-ready reasons and wrap-up codes an agent may pick; hold, resume, DTMF, transfer and end refused on someone
// else's interaction or bad input (and audited), answered `no_call` without a call, and carried to the gateway for a
// call (a second API replica talks to a stand-in gateway that has one: a live sipp call needs media and a browser's
// audio, which the gateway's own tests cover); a chat transferred through routing to another queue.
import { ParleyError, Status, type NatsRpcServer } from '@parley/kit';
import { uniqueName, waitFor } from '@parley/kit/testing';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { Interaction, TransferMode } from '@parley/protos/parley/common/v1/interaction';
import { UpsertQueueRequest } from '@parley/protos/parley/routing/v1/routing';
import { Call, SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRecords } from '../../src/chat/chat-storage.js';
import { Agent, Queue, SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { auditRecords } from '../support/audit-records.js';
import { openJsonSocket, type JsonSocketClient } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';
import { serveStandIn } from '../support/stand-in-service.js';

const voice = { channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 };
const standInDomain = uniqueName('api-desk-gateway');
let stack: ApiStack;
/** The replica whose SIP gateway is the stand-in. */
let second: Awaited<ReturnType<ApiStack['startReplica']>>;
let gateway: NatsRpcServer;
/** What the stand-in gateway was asked, in order. */
const asked: { method: string; request: Record<string, unknown> }[] = [];

beforeAll(async () => {
  stack = await startApiStack({
    queues: [
      Queue.fromPartial({
        id: 'support',
        displayName: 'Support',
        channels: [Channel.CHANNEL_VOICE],
        wrapUp: { timeoutMs: 60_000, autoAvailable: true },
      }),
      Queue.fromPartial({ id: 'chat', displayName: 'Web chat', channels: [Channel.CHANNEL_CHAT] }),
      // Nobody has the skill: a chat transferred here waits.
      Queue.fromPartial({
        id: 'sales',
        displayName: 'Sales',
        channels: [Channel.CHANNEL_CHAT],
        skillsExpression: 'skill.sales >= 1',
      }),
    ],
    // Anna takes chats (and tries others' calls); Bartek's call is at the real gateway (no media: no calls there);
    // Celina's is at the stand-in's.
    agents: [
      Agent.fromPartial({
        id: 'anna',
        displayName: 'Anna',
        siteId: SITE,
        capacities: [voice, { channel: Channel.CHANNEL_CHAT, maxConcurrent: 2 }],
      }),
      Agent.fromPartial({ id: 'bartek', displayName: 'Bartek', siteId: SITE, capacities: [voice] }),
      Agent.fromPartial({ id: 'celina', displayName: 'Celina', siteId: SITE, capacities: [voice] }),
    ],
    users: [
      { username: 'bartek', password: 'bartek-demo-pass', name: 'Bartek', roles: ['agent'], site: SITE },
      { username: 'celina', password: 'celina-demo-pass', name: 'Celina', roles: ['agent'], site: SITE },
    ],
    sipGateway: true,
  });
  const routing = stack.routingClient;
  await routing.upsertNotReadyReason({
    reason: { code: 'lunch', displayName: 'Lunch', system: false, productive: false },
  });
  for (const [id, displayName, active] of [
    ['sale', 'Sale', true],
    ['info', 'Information', true],
    ['retired', 'Old code', false],
  ] as const)
    await routing.upsertWrapUpCode({ wrapUpCode: { id, displayName, category: 'test', active } });
  await routing.upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: {
        id: 'billing',
        displayName: 'Billing',
        channels: [Channel.CHANNEL_VOICE],
        wrapUp: { timeoutMs: 60_000, wrapUpCodeIds: ['sale'] },
      },
    }),
  );

  const calls = new Map<string, Call>();
  const record = (method: string, request: object) => asked.push({ method, request: { ...request } });
  const callOf = (callId: string) => [...calls.values()].find((call) => call.id === callId);
  gateway = await serveStandIn(stack.nc, SipGatewayServiceService, standInDomain, {
    // Every interaction has a call here, made when first asked about.
    listActiveCalls: async (request) => {
      const interactionId = request.interactionId;
      if (!calls.has(interactionId))
        calls.set(interactionId, Call.fromPartial({ id: `call-${interactionId}`, interactionId }));
      return { calls: [calls.get(interactionId)!], pageInfo: { nextPageToken: '', totalSize: 1 } };
    },
    holdCall: async (request) => (record('holdCall', request), { call: callOf(request.callId) }),
    resumeCall: async (request) => (record('resumeCall', request), { call: callOf(request.callId) }),
    sendDtmf: async (request) => (record('sendDtmf', request), {}),
    transferCall: async (request) => {
      record('transferCall', request);
      if (request.target?.phoneNumber)
        throw new ParleyError('PARLEY_SIP_GATEWAY_NO_ROUTE', `no trunk routes ${request.target.phoneNumber}`, {
          status: Status.FAILED_PRECONDITION,
        });
      return { call: callOf(request.callId), consultationId: '' };
    },
    // As the gateway does: the call ends at routing too.
    hangUpCall: async (request) => {
      record('hangUpCall', request);
      const call = callOf(request.callId)!;
      await stack.routingClient.endInteraction({ interactionId: call.interactionId, actor: request.actor });
      return { call };
    },
  });
  second = await stack.startReplica({ API_OIDC_ISSUER: stack.api.issuer, API_SIP_GATEWAY_RPC_DOMAIN: standInDomain });
}, 60_000);

afterAll(async () => {
  await second?.stop();
  await gateway?.close();
  await stack?.stop();
});

const tokenOf = async (username: string) =>
  (await loginAt(stack.api.issuer, username, `${username}-demo-pass`)).access_token;

async function get(path: string, token: string) {
  const response = await fetch(`${stack.api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function tab(username: string, apiUrl = stack.api.url): Promise<JsonSocketClient> {
  const socket = await openJsonSocket(`${apiUrl.replace(/^http/, 'ws')}/api/v1/agent/socket`);
  socket.send({ type: 'auth', token: await tokenOf(username) });
  await socket.next('ready');
  return socket;
}

/** Sends a request and waits for its answer: `reply` or an error, whichever comes first after it. */
async function ask(socket: JsonSocketClient, message: Record<string, unknown>, reply: string) {
  const before = socket.messages.length;
  socket.send(message);
  return waitFor(() => socket.messages.slice(before).find((m) => m.type === reply || m.type === 'error'), {
    timeoutMs: 5_000,
    description: `an answer to ${String(message.type)}`,
  });
}

/** A voice call enqueued in "support", offered to the one available agent, accepted on `socket`. */
async function takeCall(socket: JsonSocketClient): Promise<string> {
  const interactionId = ulid();
  const before = socket.messages.length;
  await stack.routingClient.enqueueInteraction({
    interaction: Interaction.fromPartial({
      id: interactionId,
      channel: Channel.CHANNEL_VOICE,
      direction: Direction.DIRECTION_INBOUND,
      siteId: SITE,
      queueId: 'support',
    }),
  });
  const offer = await socket.next('offer', before, (message) => message.interactionId === interactionId);
  expect(await ask(socket, { type: 'accept', offerId: offer.offerId }, 'accepted')).toMatchObject({ interactionId });
  return interactionId;
}

describe('the agent desk', () => {
  it('lists the not-ready reasons and active wrap-up codes an agent may pick, narrowed to a queue', async () => {
    const token = await tokenOf('anna');
    const all = await get('/api/v1/agent/catalogue', token);
    expect(all.status).toBe(200);
    const reasons = all.body.notReadyReasons as { code: string; name: string }[];
    expect(reasons).toContainEqual({ code: 'lunch', name: 'Lunch' });
    const platform = (await stack.routingClient.listNotReadyReasons({})).reasons.filter((reason) => reason.system);
    expect(platform.length).toBeGreaterThan(0);
    for (const reason of platform) expect(reasons.map(({ code }) => code)).not.toContain(reason.code);
    const codes = all.body.wrapUpCodes as { id: string }[];
    expect(codes).toEqual(
      expect.arrayContaining([
        { id: 'sale', name: 'Sale', category: 'test' },
        { id: 'info', name: 'Information', category: 'test' },
      ]),
    );
    expect(codes.map((code) => code.id)).not.toContain('retired');
    const billing = await get('/api/v1/agent/catalogue?queueId=billing', token);
    expect(billing.body.wrapUpCodes).toEqual([{ id: 'sale', name: 'Sale', category: 'test' }]);

    // Bad input names its field; supervisors read the catalogue too (forcing a reason), but have no agent history.
    const bad = await get('/api/v1/agent/history?limit=0', token);
    expect(bad).toMatchObject({ status: 400, body: { fields: [{ field: '/querystring/limit' }] } });
    expect((await get('/api/v1/agent/catalogue', await tokenOf('marek'))).status).toBe(200);
    expect((await get('/api/v1/agent/history', await tokenOf('marek'))).status).toBe(403);
  });

  it("refuses call commands on another agent's interaction and bad input, and says when there is no call", async () => {
    const bartek = await tab('bartek');
    const anna = await tab('anna');
    try {
      expect(await ask(bartek, { type: 'login' }, 'logged_in')).toMatchObject({ state: 'AVAILABLE' });
      const interactionId = await takeCall(bartek);

      for (const command of [
        { type: 'hold', interactionId },
        { type: 'resume', interactionId },
        { type: 'dtmf', interactionId, digits: '12#' },
        { type: 'transfer', interactionId, target: { queueId: 'support' } },
        { type: 'end', interactionId },
      ])
        expect(await ask(anna, command, 'never')).toMatchObject({ type: 'error', code: 'forbidden' });
      const refusals: [Record<string, unknown>, string][] = [
        [{ type: 'dtmf', interactionId, digits: '12x' }, 'digits: must be 1–32 of 0-9 * # A B C D'],
        [{ type: 'dtmf', interactionId, digits: '' }, 'digits: '],
        [{ type: 'transfer', interactionId, target: { queueId: 'a', agentId: 'b' } }, 'target: must name exactly one'],
        [{ type: 'transfer', interactionId, target: {} }, 'target: must name exactly one'],
        [{ type: 'transfer', interactionId, target: { number: '0221234567' } }, 'target.number: must be an E.164'],
      ];
      for (const [command, message] of refusals)
        expect(await ask(bartek, command, 'never')).toMatchObject({
          code: 'bad_message',
          message: expect.stringContaining(message),
        });

      // The real gateway has no call for it (it runs without media here): refused, and routing is unchanged.
      expect(await ask(bartek, { type: 'hold', interactionId }, 'held')).toMatchObject({ code: 'no_call' });
      expect(await ask(bartek, { type: 'transfer', interactionId, target: { queueId: 'support' } }, 'x')).toMatchObject(
        { code: 'no_call' },
      );
      // Ending without a call is routing's EndInteraction, as before.
      expect(await ask(bartek, { type: 'end', interactionId }, 'ended')).toMatchObject({
        type: 'ended',
        interactionId,
      });
      await bartek.next('interaction', 0, (message) => message.phase === 'wrap_up');
      expect(await ask(bartek, { type: 'wrap_up', interactionId, code: 'sale' }, 'wrapped_up')).toMatchObject({
        type: 'wrapped_up',
      });
      // Out of the way of the next test's call.
      await ask(bartek, { type: 'state', state: 'NOT_READY', reasonId: 'lunch' }, 'state_set');

      const records = await auditRecords(stack.nc, stack.audit);
      const about = records.filter((r) => r.target === `interaction/${interactionId}`);
      const who = (r: (typeof records)[number]) => ('username' in r.actor ? r.actor.username : '');
      expect(about.filter((r) => who(r) === 'anna').map((r) => [r.action, r.outcome])).toEqual([
        ['call.hold', 'failed'],
        ['call.resume', 'failed'],
        ['call.dtmf', 'failed'],
        ['interaction.transfer', 'failed'],
        ['interaction.end', 'failed'],
      ]);
      expect(about.filter((r) => who(r) === 'bartek').map((r) => [r.action, r.outcome])).toEqual([
        ['call.hold', 'failed'],
        ['interaction.transfer', 'failed'],
        ['interaction.end', 'ok'],
        ['interaction.wrap_up', 'ok'],
      ]);
    } finally {
      bartek.socket.close();
      anna.socket.close();
    }
  });

  it("holds, resumes, sends DTMF, transfers and hangs up the agent's call at the gateway", async () => {
    const celina = await tab('celina', second.url);
    try {
      await ask(celina, { type: 'login' }, 'logged_in');
      const interactionId = await takeCall(celina);
      const callId = `call-${interactionId}`;
      const actor = { kind: ActorKind.ACTOR_KIND_AGENT, id: 'celina' };
      asked.length = 0;

      expect(await ask(celina, { type: 'hold', interactionId }, 'held')).toEqual({
        type: 'held',
        interactionId,
        callId,
      });
      expect(await ask(celina, { type: 'resume', interactionId }, 'resumed')).toEqual({
        type: 'resumed',
        interactionId,
        callId,
      });
      expect(await ask(celina, { type: 'dtmf', interactionId, digits: '12#*' }, 'dtmf_sent')).toEqual({
        type: 'dtmf_sent',
        interactionId,
        digits: '12#*',
      });
      // The gateway's refusal reaches the tab as it is.
      expect(
        await ask(celina, { type: 'transfer', interactionId, target: { number: '+48221234567' } }, 'transferred'),
      ).toMatchObject({ type: 'error', code: 'PARLEY_SIP_GATEWAY_NO_ROUTE' });
      expect(
        await ask(celina, { type: 'transfer', interactionId, target: { queueId: 'support' } }, 'transferred'),
      ).toEqual({ type: 'transferred', interactionId, target: { queueId: 'support' } });
      expect(await ask(celina, { type: 'end', interactionId }, 'ended')).toEqual({ type: 'ended', interactionId });

      expect(asked.map(({ method, request }) => [method, request.callId])).toEqual([
        ['holdCall', callId],
        ['resumeCall', callId],
        ['sendDtmf', callId],
        ['transferCall', callId],
        ['transferCall', callId],
        ['hangUpCall', callId],
      ]);
      expect(asked[2]!.request.digits).toBe('12#*');
      expect(asked[4]!.request).toMatchObject({
        mode: TransferMode.TRANSFER_MODE_BLIND,
        target: { queueId: 'support' },
      });
      for (const { method, request } of asked)
        if (method !== 'sendDtmf') expect({ method, actor: request.actor }).toMatchObject({ method, actor });
      // Hanging up ended the interaction at routing: the agent is in wrap-up.
      await celina.next(
        'interaction',
        0,
        (message) => message.interactionId === interactionId && message.phase === 'wrap_up',
      );
    } finally {
      celina.socket.close();
    }
  });

  it('transfers a chat to another queue through routing', async () => {
    const anna = await tab('anna');
    try {
      await ask(anna, { type: 'login' }, 'logged_in');
      const started = await fetch(`${stack.api.url}/chat/v1/chats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Jan' }),
      });
      const { chatId } = (await started.json()) as { chatId: string };
      const offer = await anna.next('offer', 0, (message) => message.interactionId === chatId);
      await ask(anna, { type: 'accept', offerId: offer.offerId }, 'accepted');

      expect(
        await ask(anna, { type: 'transfer', interactionId: chatId, target: { number: '+48221234567' } }, 'x'),
      ).toMatchObject({ code: 'bad_message', message: expect.stringContaining('target.number') });
      expect(
        await ask(anna, { type: 'transfer', interactionId: chatId, target: { queueId: 'sales' } }, 'transferred'),
      ).toEqual({ type: 'transferred', interactionId: chatId, target: { queueId: 'sales' } });
      const { agent } = await stack.routingClient.getAgent({ agentId: 'anna' });
      expect(agent?.status?.interactionIds).not.toContain(chatId);
      // It waits in the other queue; Anna no longer writes in it.
      const waiting = await stack.routingClient.getInteractionPosition({ interactionId: chatId });
      expect(waiting.interaction?.queueId).toBe('sales');
      const records = await ChatRecords.open(stack.nc, stack.chat);
      expect(await records.get(chatId)).toMatchObject({ state: 'waiting', agentId: null });
      expect(
        await ask(anna, { type: 'chat_send', interactionId: chatId, id: ulid(), text: 'still here?' }, 'chat_sent'),
      ).toMatchObject({ code: 'forbidden' });
    } finally {
      anna.socket.close();
    }
  });
});
