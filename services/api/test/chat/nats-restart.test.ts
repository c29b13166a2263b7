// The API across a NATS restart (a private nats-server this test kills and starts again): the visitor's and the
// agent's sockets stay open, the conversation carries on once NATS is back (the chat record and its transcript were
// in JetStream), and a new chat is offered to the agent as before.
import { startPrivateNatsServer, waitFor, type PrivateNatsServer } from '@parley/kit/testing';

import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, chatDesk, startApiStack } from '../support/api-stack.js';
import { openJsonSocket, type Received } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';

let nats: PrivateNatsServer;
let stack: ApiStack;

beforeAll(async () => {
  nats = await startPrivateNatsServer();
  stack = await startApiStack({
    natsUrl: nats.url,
    ...chatDesk(),
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop().catch(() => undefined);
  await nats?.dispose();
});

const entryText = (message: Received) => (message.entry as { text?: string } | undefined)?.text;

/** Starts a chat; while routing is taking its state back after the restart the API answers 503, and the widget retries. */
async function startChat(name: string) {
  const statuses: number[] = [];
  const started = await waitFor(
    async () => {
      const response = await fetch(`${stack.api.url}/chat/v1/chats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      statuses.push(response.status);
      if (response.status === 503) expect(response.headers.get('retry-after')).toBe('1');
      return response.status === 201 ? ((await response.json()) as { chatId: string; key: string }) : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500, description: 'a chat to start' },
  );
  expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
  const { chatId, key } = started;
  const visitor = await openJsonSocket(stack.wsUrl(`/chat/v1/chats/${chatId}/socket`));
  visitor.send({ type: 'join', key });
  await visitor.next('joined');
  return { chatId, visitor };
}

describe('the API across a NATS restart', () => {
  it('keeps sockets and conversations, and routes new chats once NATS is back', async () => {
    const agent = await openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));
    agent.send({ type: 'auth', token: (await loginAt(stack.api.issuer, 'anna', 'anna-demo-pass')).access_token });
    await agent.next('ready');
    agent.send({ type: 'login' });
    await agent.next('logged_in');
    const { chatId, visitor } = await startChat('Before');
    const offer = await agent.next('offer');
    agent.send({ type: 'accept', offerId: offer.offerId });
    await agent.next('chat_transcript');

    await nats.kill();
    await nats.restart();

    // The visitor writes until a message gets through (the API reconnects on its own), the agent receives it.
    await waitFor(
      async () => {
        const id = ulid();
        const before = visitor.messages.length;
        visitor.send({ type: 'message', id, text: 'still there?' });
        const answer = await visitor
          .next('sent', before, (message) => message.id === id)
          .then(
            () => true,
            () => undefined,
          );
        return answer;
      },
      { timeoutMs: 30_000, description: 'a message to get through after the restart' },
    );
    await agent.next('chat_entry', 0, (message) => entryText(message) === 'still there?');
    agent.send({ type: 'chat_send', interactionId: chatId, id: ulid(), text: 'yes' });
    await visitor.next('entry', 0, (message) => entryText(message) === 'yes');

    // A new chat after the restart is routed and offered as before.
    const after = agent.messages.length;
    const second = await startChat('After');
    expect(await agent.next('offer', after)).toMatchObject({ interactionId: second.chatId });
    expect(visitor.socket.readyState).toBe(visitor.socket.OPEN);
    visitor.socket.close();
    second.visitor.socket.close();
    agent.socket.close();
  });
});
