// The agent's desk with the history service running (PostgreSQL, its own test database): a customer's second chat
// pops up with the first one among their recent contacts, and a note the agent writes on the socket is stored in the
// interaction's history.
import { createNatsRpcClient } from '@parley/kit';
import { waitFor } from '@parley/kit/testing';

import { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, chatDesk, startApiStack } from '../support/api-stack.js';
import { openJsonSocket, type JsonSocketClient } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';
import { startStackHistory, type StackHistory } from '../support/stack-history.js';

let stack: ApiStack;
let history: StackHistory | undefined;

beforeAll(async () => {
  stack = await startApiStack({
    ...chatDesk(2, { wrapUp: true }),
  });
  history = await startStackHistory(stack, 'api_history');
}, 90_000);

afterAll(async () => {
  await history?.close();
  await stack?.stop();
});

async function startChat(name: string, email: string) {
  const response = await fetch(`${stack.api.url}/chat/v1/chats`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email }),
  });
  return (await response.json()) as { chatId: string };
}

/** The next offer after `after`, accepted; its screen-pop. */
async function takeOffer(agent: JsonSocketClient, after: number) {
  const offer = await agent.next('offer', after);
  const screenPop = await agent.next('screen_pop', after, (message) => message.interactionId === offer.interactionId);
  agent.send({ type: 'accept', offerId: offer.offerId });
  await agent.next('accepted', after, (message) => message.offerId === offer.offerId);
  return { interactionId: String(offer.interactionId), screenPop };
}

describe('the desk with history', () => {
  it("pops a returning customer's recent contacts and stores the agent's notes", async () => {
    const historyClient = createNatsRpcClient(stack.nc, HistoryServiceService, { domain: stack.domains.history });
    const agent = await openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));
    agent.send({ type: 'auth', token: (await loginAt(stack.api.issuer, 'anna', 'anna-demo-pass')).access_token });
    await agent.next('ready');
    agent.send({ type: 'login' });
    await agent.next('logged_in');

    const first = await startChat('Jan Kowalski', 'jan@example.com');
    const firstOffer = await takeOffer(agent, 0);
    expect(firstOffer.interactionId).toBe(first.chatId);
    expect(firstOffer.screenPop).toMatchObject({ customer: { email: 'jan@example.com' }, recent: [] });
    // History has the interaction once it ingested its events; then the note goes to it.
    await waitFor(
      () =>
        historyClient.getInteraction({ interactionId: first.chatId }).then(
          () => true,
          () => undefined,
        ),
      { timeoutMs: 15_000, description: 'history to record the first chat' },
    );
    agent.send({ type: 'note', interactionId: first.chatId, text: 'Asked about invoice 2026/11' });
    const added = await agent.next('note_added');
    expect(added).toMatchObject({ interactionId: first.chatId, noteId: expect.stringMatching(/^[0-9A-Z]{26}$/) });
    const record = await historyClient.getInteraction({ interactionId: first.chatId });
    expect(record.interaction?.notes.map((note) => note.text)).toEqual(['Asked about invoice 2026/11']);
    agent.send({ type: 'end', interactionId: first.chatId });
    await agent.next('ended');
    agent.send({ type: 'wrap_up', interactionId: first.chatId });
    await agent.next('wrapped_up');

    // The same customer comes back: the screen-pop shows the first chat.
    const before = agent.messages.length;
    const second = await startChat('Jan Kowalski', 'jan@example.com');
    const secondOffer = await takeOffer(agent, before);
    expect(secondOffer.interactionId).toBe(second.chatId);
    expect(secondOffer.screenPop).toMatchObject({
      customer: { id: expect.stringMatching(/.+/), email: 'jan@example.com' },
      recent: [expect.objectContaining({ interactionId: first.chatId, channel: 'CHAT' })],
    });
    agent.socket.close();
  });
});
