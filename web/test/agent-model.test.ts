// The agent desk's reducer: what the screen shows is what the socket said, in whatever order the pushes and replies
// arrive, and a replayed push changes nothing.
import { describe, expect, it } from 'vitest';
import { agentReducer, initialModel, type AgentModel } from '../src/agent/agent-model.js';

const at = 1_700_000_000_000;
const apply = (model: AgentModel, ...messages: Record<string, unknown>[]) =>
  messages.reduce(
    (current, message, index) => agentReducer(current, { type: 'server', message, at: at + index }),
    model,
  );

const chatOffer = {
  type: 'offer',
  offerId: 'o1',
  interactionId: 'i1',
  channel: 'CHAT',
  queueId: 'chat',
  timeoutMs: 30_000,
  expiresAt: new Date(at + 30_000).toISOString(),
  attributes: { topic: 'delivery' },
  customer: { name: 'Ola', phoneNumber: '', email: '' },
  seq: 1,
};

describe('agent desk model', () => {
  it('keeps a chat a chat when the offer’s end and the connected push overtake the accept reply', () => {
    const model = apply(
      initialModel,
      chatOffer,
      { type: 'offer_ended', offerId: 'o1', reason: 'accepted', seq: 2 },
      { type: 'interaction', interactionId: 'i1', phase: 'connected', at: new Date(at).toISOString(), seq: 3 },
      { type: 'accepted', offerId: 'o1', interactionId: 'i1' },
    );
    expect(model.offers).toEqual([]);
    expect(model.work['i1']).toMatchObject({ channel: 'CHAT', queueId: 'chat', phase: 'connected' });
    expect(model.work['i1']?.attributes).toEqual({ topic: 'delivery' });
  });

  it('shows an offer once however often it is pushed, and drops it when it ends', () => {
    const offered = apply(initialModel, chatOffer, chatOffer);
    expect(offered.offers).toHaveLength(1);
    expect(offered.offers[0]?.customer.name).toBe('Ola');
    expect(apply(offered, { type: 'offer_ended', offerId: 'o1', reason: 'timed_out' }).offers).toEqual([]);
  });

  it('builds the transcript from entries: each message once, receipts onto the agent’s own messages', () => {
    const connected = apply(initialModel, chatOffer, { type: 'accepted', offerId: 'o1', interactionId: 'i1' });
    const message = (id: string, from: string, text: string) => ({
      type: 'chat_entry',
      interactionId: 'i1',
      entry: { kind: 'message', id, from, senderId: from, senderName: from, text, sentAt: new Date(at).toISOString() },
    });
    const model = apply(
      connected,
      { type: 'chat_entry', interactionId: 'i1', entry: { kind: 'typing', id: 't', from: 'visitor', on: true } },
      message('m1', 'visitor', 'Where is my parcel?'),
      message('m1', 'visitor', 'Where is my parcel?'),
      message('m2', 'agent', 'On its way.'),
      {
        type: 'chat_entry',
        interactionId: 'i1',
        entry: { kind: 'receipt', id: 'r', messageId: 'm2', status: 'read', by: 'visitor', at: '' },
      },
    );
    const work = model.work['i1']!;
    expect(work.transcript.map((line) => [line.id, line.from, line.status])).toEqual([
      ['m1', 'visitor', undefined],
      ['m2', 'agent', 'read'],
    ]);
    expect(work.visitorTyping).toBe(false);
  });

  it('moves a contact to wrap-up with its deadline, and off the desk when completed', () => {
    const deadline = new Date(at + 30_000).toISOString();
    const wrapping = apply(
      initialModel,
      chatOffer,
      { type: 'accepted', offerId: 'o1', interactionId: 'i1' },
      { type: 'interaction', interactionId: 'i1', phase: 'wrap_up', at: '', wrapUpDeadline: deadline },
    );
    expect(wrapping.work['i1']).toMatchObject({ phase: 'wrap_up', wrapUpDeadline: at + 30_000 });
    expect(apply(wrapping, { type: 'interaction', interactionId: 'i1', phase: 'completed', at: '' }).work).toEqual({});
  });

  it('times the agent’s state from when it changed, not from each repeat', () => {
    const available = agentReducer(initialModel, {
      type: 'server',
      message: { type: 'state', state: 'AVAILABLE', reason: '' },
      at,
    });
    const again = agentReducer(available, {
      type: 'server',
      message: { type: 'state', state: 'AVAILABLE', reason: '' },
      at: at + 5_000,
    });
    expect(again.stateSince).toBe(at);
  });
});
