// The agent's own recent interactions (GET /api/v1/agent/history) from the history service running with its own
// PostgreSQL database: a chat the agent handled is listed with its customer once history has it, another agent's
// list does not show it, and with history gone the route answers 503.
import { waitFor } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, chatDesk, SITE, startApiStack } from '../support/api-stack.js';
import { openJsonSocket } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';
import { startStackHistory, type StackHistory } from '../support/stack-history.js';

let stack: ApiStack;
let history: StackHistory | undefined;

beforeAll(async () => {
  stack = await startApiStack({
    ...chatDesk(2, { wrapUp: true }),
    users: [{ username: 'bartek', password: 'bartek-demo-pass', name: 'Bartek', roles: ['agent'], site: SITE }],
  });
  history = await startStackHistory(stack, 'api_agent_history');
}, 90_000);

afterAll(async () => {
  await history?.close();
  await stack?.stop();
});

const tokenOf = async (username: string) =>
  (await loginAt(stack.api.issuer, username, `${username}-demo-pass`)).access_token;

async function agentHistory(token: string, query = '') {
  const response = await fetch(`${stack.api.url}/api/v1/agent/history${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { items: Record<string, unknown>[] },
  };
}

describe("the agent's history", () => {
  it('lists the chats the agent handled, newest first, with the customer; only the agent’s own', async () => {
    const token = await tokenOf('anna');
    const agent = await openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));
    agent.send({ type: 'auth', token });
    await agent.next('ready');
    agent.send({ type: 'login' });
    await agent.next('logged_in');

    /** A chat from the customer, taken, ended and wrapped up. */
    const handleChat = async (customer: { name: string; email?: string }) => {
      const before = agent.messages.length;
      const started = await fetch(`${stack.api.url}/chat/v1/chats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(customer),
      });
      const { chatId } = (await started.json()) as { chatId: string };
      const offer = await agent.next('offer', before);
      agent.send({ type: 'accept', offerId: offer.offerId });
      await agent.next('accepted', before);
      agent.send({ type: 'end', interactionId: chatId });
      await agent.next('ended', before);
      agent.send({ type: 'wrap_up', interactionId: chatId });
      await agent.next('wrapped_up', before);
      return chatId;
    };
    const first = await handleChat({ name: 'Jan Kowalski', email: 'jan@example.com' });
    const second = await handleChat({ name: 'Ewa Nowak' });
    agent.socket.close();

    // History has them once it ingested the events; newest first.
    const items = await waitFor(
      async () => {
        const listed = await agentHistory(token, '?limit=5&days=1');
        expect(listed.status).toBe(200);
        const done = listed.body.items.filter((entry) => entry.state === 'completed');
        return done.length === 2 ? done : undefined;
      },
      { timeoutMs: 15_000, description: 'history to record both chats as completed' },
    );
    expect(items.map((item) => item.interactionId)).toEqual([second, first]);
    expect(items[1]).toEqual({
      interactionId: first,
      channel: 'chat',
      direction: 'inbound',
      state: 'completed',
      queueId: 'chat',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      connectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      endedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      customer: { id: expect.stringMatching(/.+/), name: 'Jan Kowalski', email: 'jan@example.com', phoneNumber: '' },
      wrapUpCodeId: '',
      durations: {
        waitMs: expect.any(Number),
        talkMs: expect.any(Number),
        holdMs: 0,
        wrapUpMs: expect.any(Number),
        handleMs: expect.any(Number),
      },
    });
    expect(items[0]).toMatchObject({ customer: { name: 'Ewa Nowak', email: '' } });
    // The limit is the page size.
    expect((await agentHistory(token, '?limit=1')).body.items.map((item) => item.interactionId)).toEqual([second]);
    // Another agent does not see it.
    expect((await agentHistory(await tokenOf('bartek'))).body).toEqual({ items: [] });
  });

  it('answers 503 while history cannot be reached', async () => {
    await history?.stop();
    const listed = await agentHistory(await tokenOf('anna'));
    expect(listed).toMatchObject({ status: 503, retryAfter: '1', body: { status: 503 } });
  });
});
