// The web chat channel end to end, every part real (routing, NATS, the embedded OpenID provider, WebSockets): a
// visitor starts a chat with pre-chat answers, it is routed to an agent whose socket gets the offer, messages go
// both ways with delivery receipts and typing, the transcript is in the event stream as interaction.message_sent,
// the visitor leaves the page and rejoins the same conversation with its key, the agent ends and wraps up. Abuse:
// bad bodies and queues (400 naming the field), a wrong key (4401), malformed and oversized messages, a flooding
// visitor cut off (4429) while another conversation goes on.
import { jetstream } from '@nats-io/jetstream';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, chatDesk, SITE, startApiStack } from '../support/api-stack.js';
import { openJsonSocket, type Received } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack({
    ...chatDesk(3, { wrapUp: true }),
    apiEnvironment: {
      API_CHAT_MESSAGE_BURST: '5',
      API_CHAT_MESSAGE_INTERVAL_MS: '1000',
      API_CHAT_STARTS_PER_HOUR: '6',
    },
  });
}, 60_000);

afterAll(() => stack?.stop());

async function startChat(body: Record<string, unknown>) {
  const response = await fetch(`${stack.api.url}/chat/v1/chats`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function joinChat(chatId: string, key: string) {
  const visitor = await openJsonSocket(stack.wsUrl(`/chat/v1/chats/${chatId}/socket`));
  visitor.send({ type: 'join', key });
  return visitor;
}

const entryOf = (message: Received) => message.entry as Record<string, unknown>;
const isEntry =
  (kind: string, where: (entry: Record<string, unknown>) => boolean = () => true) =>
  (message: Received) =>
    entryOf(message)?.kind === kind && where(entryOf(message));

/** The chat's events in the test's event stream, in order. */
async function chatEvents(chatId: string, count: number): Promise<Envelope[]> {
  const consumer = await jetstream(stack.nc).consumers.get(stack.streams.config.stream, {
    filter_subjects: `${stack.streams.config.subjectPrefix}.${SITE}.interaction.>`,
  });
  const events: Envelope[] = [];
  const messages = await consumer.consume();
  const giveUp = setTimeout(() => void messages.close(), 5_000);
  for await (const message of messages) {
    const event = Envelope.decode(message.data);
    if (event.interactionId === chatId && ['interaction.created', 'interaction.message_sent'].includes(event.type))
      events.push(event);
    if (events.length === count) break;
  }
  clearTimeout(giveUp);
  await messages.close();
  return events;
}

describe('the web chat channel', () => {
  it('routes a visitor to an agent, carries messages both ways, keeps the transcript and lets the visitor rejoin', async () => {
    const tokens = await loginAt(stack.api.issuer, 'anna', 'anna-demo-pass');
    const agent = await openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));
    agent.send({ type: 'auth', token: tokens.access_token });
    await agent.next('ready');
    agent.send({ type: 'login' });
    await agent.next('logged_in');

    const started = await startChat({ name: 'Jan Kowalski', email: 'Jan@Example.com', answers: { topic: 'billing' } });
    expect(started.status).toBe(201);
    const { chatId, key } = started.body as { chatId: string; key: string };
    const visitor = await joinChat(chatId, key);
    expect(await visitor.next('joined')).toMatchObject({ chatId, state: 'waiting' });

    const offer = await agent.next('offer');
    expect(offer).toMatchObject({ interactionId: chatId, channel: 'CHAT', queueId: 'chat' });
    // The screen-pop follows: the visitor and the pre-chat answers (history is not running here: no recent contacts).
    expect(await agent.next('screen_pop')).toMatchObject({
      interactionId: chatId,
      customer: { name: 'Jan Kowalski', email: 'jan@example.com' },
      attributes: { topic: 'billing' },
      recent: [],
    });
    agent.send({ type: 'accept', offerId: offer.offerId });
    await agent.next('accepted');
    expect(await agent.next('chat_transcript')).toMatchObject({ interactionId: chatId, visitorName: 'Jan Kowalski' });
    await visitor.next(
      'entry',
      0,
      isEntry('status', (entry) => entry.state === 'connected'),
    );
    expect(
      entryOf(
        await visitor.next(
          'entry',
          0,
          isEntry('status', (entry) => entry.state === 'connected'),
        ),
      ),
    ).toMatchObject({ agentName: 'Anna Nowak' });

    // Visitor → agent, with the delivery receipt back to the visitor.
    const question = ulid();
    visitor.send({ type: 'message', id: question, text: 'My invoice is wrong' });
    await visitor.next('sent', 0, (message) => message.id === question);
    const got = await agent.next(
      'chat_entry',
      0,
      isEntry('message', (entry) => entry.id === question),
    );
    expect(entryOf(got)).toMatchObject({ from: 'visitor', senderName: 'Jan Kowalski', text: 'My invoice is wrong' });
    await visitor.next(
      'entry',
      0,
      isEntry('receipt', (entry) => entry.messageId === question && entry.status === 'delivered'),
    );

    // Typing, then agent → visitor with the receipts both ways.
    agent.send({ type: 'chat_typing', interactionId: chatId, on: true });
    await visitor.next(
      'entry',
      0,
      isEntry('typing', (entry) => entry.from === 'agent' && entry.on === true),
    );
    const answer = ulid();
    agent.send({ type: 'chat_send', interactionId: chatId, id: answer, text: 'Let me check that for you' });
    await agent.next('chat_sent', 0, (message) => message.id === answer);
    expect(
      entryOf(
        await visitor.next(
          'entry',
          0,
          isEntry('message', (entry) => entry.id === answer),
        ),
      ),
    ).toMatchObject({
      from: 'agent',
      senderName: 'Anna Nowak',
      text: 'Let me check that for you',
    });
    await agent.next(
      'chat_entry',
      0,
      isEntry('receipt', (entry) => entry.messageId === answer && entry.status === 'delivered'),
    );
    visitor.send({ type: 'read', messageId: answer });
    await agent.next(
      'chat_entry',
      0,
      isEntry('receipt', (entry) => entry.messageId === answer && entry.status === 'read'),
    );

    // A retried message (same id) is kept once.
    visitor.send({ type: 'message', id: question, text: 'My invoice is wrong' });
    await visitor.next('sent', 0, (message) => message.id === question);

    // The transcript is in the event stream, as history reads it.
    const events = await chatEvents(chatId, 3);
    expect(events.map((event) => event.type)).toEqual([
      'interaction.created',
      'interaction.message_sent',
      'interaction.message_sent',
    ]);
    expect(events[0]?.interactionCreated?.interaction).toMatchObject({
      channel: Channel.CHANNEL_CHAT,
      attributes: { topic: 'billing' },
      customer: { displayName: 'Jan Kowalski', email: 'jan@example.com' },
    });
    expect(events.slice(1).map((event) => event.interactionMessageSent?.message?.text)).toEqual([
      'My invoice is wrong',
      'Let me check that for you',
    ]);

    // The visitor leaves the page and comes back: the same conversation, everything in it.
    visitor.socket.close();
    await visitor.closed;
    const back = await joinChat(chatId, key);
    const joined = await back.next('joined');
    expect(joined).toMatchObject({ state: 'connected', agentName: 'Anna Nowak' });
    const transcript = joined.transcript as Record<string, unknown>[];
    expect(transcript.filter((entry) => entry.kind === 'message').map((entry) => entry.text)).toEqual([
      'My invoice is wrong',
      'Let me check that for you',
    ]);
    const wrongKey = await joinChat(chatId, 'x'.repeat(32));
    expect((await wrongKey.closed).code).toBe(4401);

    // The agent ends the chat and wraps up; the visitor is told.
    agent.send({ type: 'end', interactionId: chatId });
    await agent.next('ended');
    await back.next(
      'entry',
      0,
      isEntry('status', (entry) => entry.state === 'ended'),
    );
    expect(await agent.next('interaction', 0, (message) => message.phase === 'wrap_up')).toMatchObject({
      interactionId: chatId,
    });
    agent.send({ type: 'wrap_up', interactionId: chatId });
    await agent.next('wrapped_up');
    const late = ulid();
    back.send({ type: 'message', id: late, text: 'one more thing' });
    expect(await back.next('error')).toMatchObject({ code: 'chat_ended' });
    back.socket.close();
    agent.socket.close();
  });

  it('refuses bad starts, bad frames and floods without disturbing other conversations', async () => {
    const noName = await startChat({ email: 'x@example.com' });
    expect(noName.status).toBe(400);
    expect(noName.body).toMatchObject({ fields: [{ field: '/body/name' }] });
    const otherQueue = await startChat({ name: 'Eve', queue: 'support' });
    expect(otherQueue.status).toBe(400);
    expect(otherQueue.body).toMatchObject({ fields: [{ field: '/body/queue' }] });

    const flooder = await startChat({ name: 'Flood' });
    const calm = await startChat({ name: 'Calm' });
    const flooding = await joinChat(flooder.body.chatId!, flooder.body.key!);
    const calmVisitor = await joinChat(calm.body.chatId!, calm.body.key!);
    await flooding.next('joined');
    await calmVisitor.next('joined');

    flooding.socket.send('{not json');
    expect(await flooding.next('error')).toMatchObject({ code: 'bad_message' });
    flooding.send({ type: 'message', id: ulid(), text: 'x'.repeat(2_001) });
    await flooding.next(
      'error',
      0,
      (message) => message.code === 'bad_message' && String(message.message).includes('text'),
    );
    // Five at once pass, then one a second: thirty in a burst are mostly refused, and the socket is cut off.
    for (let index = 0; index < 30; index += 1) flooding.send({ type: 'message', id: ulid(), text: `spam ${index}` });
    expect((await flooding.closed).code).toBe(4429);
    expect(flooding.messages.filter((message) => message.type === 'sent').length).toBeLessThanOrEqual(6);
    expect(flooding.messages.some((message) => message.code === 'rate_limited')).toBe(true);

    const hello = ulid();
    calmVisitor.send({ type: 'message', id: hello, text: 'hello' });
    expect(await calmVisitor.next('sent')).toMatchObject({ id: hello });
    calmVisitor.send({ type: 'leave' });
    await calmVisitor.next(
      'entry',
      0,
      isEntry('status', (entry) => entry.state === 'ended'),
    );
    calmVisitor.socket.close();

    // Chats started from one address are limited (six an hour here; five so far in this file).
    const more = [await startChat({ name: 'Sixth' }), await startChat({ name: 'Seventh' })];
    expect(more.map((answer) => answer.status)).toEqual([201, 429]);
    expect(more[1]!.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });
});
