// The agent socket, every part real: routing (its own namespaced resources on the test NATS), the API service with
// the embedded OpenID provider, and a WebSocket client playing the agent's tab. The tab authenticates, logs in,
// and receives routing's offer as soon as an interaction is enqueued, then accepts it; bad frames get error messages
// without harming the session or others; a frame over the limit closes only its socket; a missing or wrong token,
// or a token without the agent role, closes the socket with a 44xx code.
import { waitFor } from '@parley/kit/testing';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { Interaction } from '@parley/protos/parley/common/v1/interaction';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Agent, Queue, SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { openJsonSocket } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';

let stack: ApiStack;
let api: ApiStack['api'];
const routingClient = () => stack.routingClient;
/** A tab: the socket, every message it got, and a way to wait for one. */
const openTab = () => openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));

beforeAll(async () => {
  const voice = [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }];
  stack = await startApiStack({
    queues: [Queue.fromPartial({ id: 'support', displayName: 'Support', channels: [Channel.CHANNEL_VOICE] })],
    // Anna takes the first test's call; Bartek's tabs come and go; Celina gets an offer while no tab is open.
    agents: ['anna', 'bartek', 'celina'].map((id) =>
      Agent.fromPartial({ id, displayName: id, siteId: SITE, capacities: voice }),
    ),
    users: [
      { username: 'bartek', password: 'bartek-demo-pass', name: 'Bartek', roles: ['agent'], site: SITE },
      { username: 'celina', password: 'celina-demo-pass', name: 'Celina', roles: ['agent'], site: SITE },
    ],
    apiEnvironment: { API_AGENT_GRACE_MS: '1500' },
  });
  api = stack.api;
}, 60_000);

afterAll(() => stack?.stop());

describe('the agent socket', () => {
  it('authenticates the tab, logs the agent in, pushes the offer on enqueue and takes the accept', async () => {
    const tokens = await loginAt(api.issuer, 'anna', 'anna-demo-pass');
    const tab = await openTab();
    try {
      tab.send({ type: 'login' });
      expect(await tab.next('error')).toMatchObject({ code: 'unauthenticated' });
      tab.send({ type: 'auth', token: tokens.access_token });
      expect(await tab.next('ready')).toMatchObject({ agentId: 'anna' });
      tab.send({ type: 'login' });
      expect(await tab.next('logged_in')).toMatchObject({ state: 'AVAILABLE' });

      // Bad frames are answered, and the session goes on.
      tab.socket.send('not json');
      tab.send({ type: 'accept' });
      await waitFor(() => tab.messages.filter((message) => message.code === 'bad_message').length === 2 || undefined);

      const interactionId = ulid();
      const enqueuedAt = performance.now();
      await routingClient().enqueueInteraction({
        interaction: Interaction.fromPartial({
          id: interactionId,
          channel: Channel.CHANNEL_VOICE,
          direction: Direction.DIRECTION_INBOUND,
          siteId: SITE,
          queueId: 'support',
        }),
      });
      const offer = await tab.next('offer');
      const offerMs = performance.now() - enqueuedAt;
      expect(offer).toMatchObject({ interactionId, channel: 'VOICE', queueId: 'support' });
      expect(offerMs).toBeLessThan(2_000);
      tab.send({ type: 'accept', offerId: offer.offerId });
      expect(await tab.next('accepted')).toMatchObject({ offerId: offer.offerId, interactionId });
      expect(await tab.next('offer_ended')).toMatchObject({ offerId: offer.offerId, reason: 'accepted' });
    } finally {
      tab.socket.close();
    }
  });

  it('closes a socket with a wrong token (4401), without the agent role (4403), or sending an oversized frame', async () => {
    const forged = await openTab();
    forged.send({ type: 'auth', token: 'not.a.token' });
    expect((await forged.closed).code).toBe(4401);

    const supervisor = await loginAt(api.issuer, 'marek', 'marek-demo-pass');
    const notAgent = await openTab();
    notAgent.send({ type: 'auth', token: supervisor.access_token });
    expect((await notAgent.closed).code).toBe(4403);

    const anna = await loginAt(api.issuer, 'anna', 'anna-demo-pass');
    const bystander = await openTab();
    bystander.send({ type: 'auth', token: anna.access_token });
    await bystander.next('ready');
    const flooder = await openTab();
    flooder.socket.send('x'.repeat(64 * 1024));
    expect((await flooder.closed).code).toBe(1009); // message too big
    // The other tab is untouched: still open, still answering.
    const before = bystander.messages.length;
    bystander.send({ type: 'reject' });
    expect(await bystander.next('error', before)).toMatchObject({ code: 'bad_message' });
    expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
    // A tab sending frames as fast as it can is told to slow down, then closed; the other tab goes on.
    const spammer = await openTab();
    for (let index = 0; index < 400; index += 1) spammer.send({ type: 'reject', offerId: 'x' });
    expect((await spammer.closed).code).toBe(4429);
    expect(spammer.messages.some((message) => message.code === 'rate_limited')).toBe(true);
    const beforeSpam = bystander.messages.length;
    bystander.send({ type: 'reject' });
    expect(await bystander.next('error', beforeSpam)).toMatchObject({ code: 'bad_message' });
    bystander.socket.close();
  });

  it('logs an agent out once the last tab has been gone past the grace, not when a tab comes back in time', async () => {
    const tokens = await loginAt(api.issuer, 'bartek', 'bartek-demo-pass');
    const state = async () => (await routingClient().getAgent({ agentId: 'bartek' })).agent?.status?.state;
    const first = await openTab();
    first.send({ type: 'auth', token: tokens.access_token });
    await first.next('ready');
    first.send({ type: 'login' });
    await first.next('logged_in');
    expect(await state()).toBe(AgentState.AGENT_STATE_AVAILABLE);
    // A reload: the tab goes and a new one comes within the 1.5 s grace.
    first.socket.close();
    await first.closed;
    const second = await openTab();
    second.send({ type: 'auth', token: tokens.access_token });
    await second.next('ready');
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await state()).toBe(AgentState.AGENT_STATE_AVAILABLE);
    // The last tab goes for good.
    second.socket.close();
    await waitFor(async () => ((await state()) === AgentState.AGENT_STATE_OFFLINE ? true : undefined), {
      timeoutMs: 5_000,
      description: 'routing to log Bartek out',
    });
  });

  it('replays what a reconnecting tab missed: an offer made while no tab was open', async () => {
    const tokens = await loginAt(api.issuer, 'celina', 'celina-demo-pass');
    const first = await openTab();
    first.send({ type: 'auth', token: tokens.access_token });
    expect(await first.next('ready')).toMatchObject({ seq: 0, replayed: 0 });
    first.send({ type: 'login' });
    await first.next('logged_in');
    // Routing's state change reaches the tab as a numbered push: the last number this tab saw.
    expect(await first.next('state')).toMatchObject({ seq: 1, state: 'AVAILABLE' });
    first.socket.close();
    await first.closed;
    const lastSeen = Math.max(...first.messages.map((message) => Number(message.seq ?? 0)));

    const interactionId = ulid();
    await routingClient().enqueueInteraction({
      interaction: Interaction.fromPartial({
        id: interactionId,
        channel: Channel.CHANNEL_VOICE,
        direction: Direction.DIRECTION_INBOUND,
        siteId: SITE,
        queueId: 'support',
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the offer is made while no tab is open

    const second = await openTab();
    try {
      second.send({ type: 'auth', token: tokens.access_token, resumeFrom: lastSeen });
      const ready = await second.next('ready');
      expect(ready).toMatchObject({ agentId: 'celina', gap: false });
      // Everything after lastSeen is replayed, in order, with no number skipped: the offer and the agent's state
      // change to reserved that came with it.
      expect(ready.replayed).toBe(Number(ready.seq) - lastSeen);
      const offer = await second.next('offer');
      expect(offer).toMatchObject({ interactionId });
      const replayedSeqs = second.messages.filter((message) => message.seq !== undefined && message.type !== 'ready');
      expect(replayedSeqs.map((message) => message.seq)).toEqual(
        Array.from({ length: Number(ready.replayed) }, (_, index) => lastSeen + 1 + index),
      );
      second.send({ type: 'accept', offerId: offer.offerId });
      expect(await second.next('accepted')).toMatchObject({ interactionId });
      // Resuming from a number the session never reached: the tab is told to reload.
      const third = await openTab();
      third.send({ type: 'auth', token: tokens.access_token, resumeFrom: 99 });
      expect(await third.next('ready')).toMatchObject({ gap: true, replayed: 0 });
      third.socket.close();
    } finally {
      second.socket.close();
    }
  });
});
