// Decision hooks in the engine: an interaction with several possible agents waits in 'deciding' for its queue's hook;
// the answer (or its absence) arrives as decide(), and every other operation copes with the phase.
import { describe, expect, it } from 'vitest';
import type { RoutingEngine } from '../../src/domain/engine.js';
import type { RoutingEvent } from '../../src/domain/events.js';
import type { QueueConfig } from '../../src/domain/model.js';
import { agent, engine, queue, t0 } from '../support/builders.js';

const hook = { subject: 'hooks.support', timeoutMs: 200 };

const chat = (id: string, queueId = 'q') => ({
  interactionId: id,
  queueId,
  channel: 'chat' as const,
  priority: 0,
  attributes: { lang: 'pl' },
});

function offers(events: RoutingEvent[]): [string, string][] {
  return events.flatMap((e) => (e.type === 'offer.created' ? [[e.interactionId, e.agentId] as [string, string]] : []));
}

function decided(events: RoutingEvent[]) {
  return events.flatMap((e) => (e.type === 'routing.decided' ? [e] : []));
}

/** Agents a1..aN, chat capacity 1, available in that order (so a1 has been idle longest). */
function withAgents(count: number, overrides: Partial<QueueConfig> = {}): RoutingEngine {
  const e = engine();
  e.upsertQueue(queue({ id: 'q', decisionHook: hook, ...overrides }), t0);
  for (let i = 1; i <= count; i++) {
    e.upsertAgent(agent({ id: `a${i}`, capacity: { chat: 1 }, teamIds: [`t${i}`] }), t0);
    e.setPresence(`a${i}`, 'available', '', t0 + i);
  }
  e.drainEvents();
  return e;
}

const reservedOf = (e: RoutingEngine, agentId: string) => e.agents.get(agentId)?.reserved.chat;

describe('decision hooks in the engine', () => {
  it('holds an interaction with several candidates in deciding and asks about at most 8, in strategy order', () => {
    const e = withAgents(10);
    e.enqueue(chat('c1'), t0 + 100);

    expect(e.interactions.get('c1')?.phase).toBe('deciding');
    expect(offers(e.drainEvents())).toEqual([]);
    for (let i = 1; i <= 10; i++) expect(reservedOf(e, `a${i}`)).toBe(0);
    const [request, ...more] = e.drainDecisionRequests();
    expect(more).toEqual([]);
    expect(request).toMatchObject({
      interactionId: 'c1',
      round: 1,
      queueId: 'q',
      hook,
      channel: 'chat',
      attributes: { lang: 'pl' },
      waitedMs: 0,
    });
    expect(request?.candidates.map((c) => c.agentId)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
    expect(request?.candidates[0]).toMatchObject({ siteId: 'waw', teamIds: ['t1'], idleMs: 99, occupancy: 0 });
    expect(e.drainDecisionRequests()).toEqual([]); // drained once
    expect(e.waitingInQueue('q').map((i) => i.id)).toEqual(['c1']); // still waiting, to the customer
  });

  it('offers to the first agent of the hook order', () => {
    const e = withAgents(3);
    e.enqueue(chat('c1'), t0 + 100);
    e.drainEvents();

    const result = e.decide('c1', ['a3', 'a1'], t0 + 150);

    expect(result).toEqual({ outcome: 'hook', agentId: 'a3' });
    const events = e.drainEvents();
    expect(offers(events)).toEqual([['c1', 'a3']]);
    expect(decided(events)).toEqual([
      expect.objectContaining({
        decidedBy: 'hook',
        agentId: 'a3',
        hookSubject: 'hooks.support',
        candidateAgentIds: ['a1', 'a2', 'a3'],
        hookAgentIds: ['a3', 'a1'],
      }),
    ]);
    expect(e.interactions.get('c1')).toMatchObject({ phase: 'offered', agentId: 'a3', candidateAgentIds: [] });
  });

  it('skips a chosen agent who got busy meanwhile and offers to the next one, never over capacity', () => {
    const e = withAgents(3);
    e.upsertQueue(queue({ id: 'team3', teamIds: ['t3'] }), t0); // only a3 serves it, no hook
    e.enqueue(chat('c1'), t0 + 100);
    e.enqueue(chat('other', 'team3'), t0 + 110);
    expect(offers(e.drainEvents())).toEqual([['other', 'a3']]);

    expect(e.decide('c1', ['a3', 'a2'], t0 + 150)).toEqual({ outcome: 'hook', agentId: 'a2' });
    expect(offers(e.drainEvents())).toEqual([['c1', 'a2']]);
    expect(reservedOf(e, 'a3')).toBe(1);
    expect(reservedOf(e, 'a2')).toBe(1);
    expect(e.offers.size).toBe(2);
  });

  it('lets the built-in strategy decide when the hook gives no order', () => {
    const e = withAgents(3);
    e.enqueue(chat('c1'), t0 + 100);
    e.drainEvents();

    expect(e.decide('c1', [], t0 + 300, { failure: 'timeout' })).toEqual({
      outcome: 'fallback',
      reason: 'timeout',
      agentId: 'a1',
    });
    const events = e.drainEvents();
    expect(offers(events)).toEqual([['c1', 'a1']]);
    expect(decided(events)).toEqual([
      expect.objectContaining({ decidedBy: 'fallback', fallbackReason: 'timeout', agentId: 'a1' }),
    ]);
    // The fallback does not ask the hook again.
    expect(e.drainDecisionRequests()).toEqual([]);
  });

  it('reports an empty answer without a failure as "no preference"', () => {
    const e = withAgents(2);
    e.enqueue(chat('c1'), t0 + 100);
    expect(e.decide('c1', [], t0 + 120)).toMatchObject({ outcome: 'fallback', reason: 'no_preference' });
  });

  it('ignores ids that were not candidates, even of agents who became available since', () => {
    const e = withAgents(3);
    e.setPresence('a3', 'not_ready', 'lunch', t0 + 50);
    e.enqueue(chat('c1'), t0 + 100); // candidates a1, a2
    e.setPresence('a3', 'available', '', t0 + 110);
    e.drainEvents();

    expect(e.decide('c1', ['stranger', 'a3', 'a2'], t0 + 150)).toEqual({ outcome: 'hook', agentId: 'a2' });
    expect(reservedOf(e, 'a3')).toBe(0);
  });

  it('falls back when none of the named candidates can take it any more, and lines it up if nobody can', () => {
    const e = withAgents(2);
    e.enqueue(chat('c1'), t0 + 100);
    e.setPresence('a1', 'not_ready', 'lunch', t0 + 110);
    expect(e.decide('c1', ['a1'], t0 + 150)).toEqual({
      outcome: 'fallback',
      reason: 'no_usable_candidate',
      agentId: 'a2',
    });

    const f = withAgents(2);
    f.enqueue(chat('c1'), t0 + 100);
    f.setPresence('a1', 'not_ready', 'lunch', t0 + 110);
    f.setPresence('a2', 'not_ready', 'lunch', t0 + 110);
    expect(f.decide('c1', ['a2', 'a1'], t0 + 150)).toEqual({
      outcome: 'fallback',
      reason: 'no_usable_candidate',
      agentId: undefined,
    });
    expect(f.interactions.get('c1')?.phase).toBe('waiting');
    f.drainEvents();
    f.setPresence('a2', 'available', '', t0 + 200);
    expect(offers(f.drainEvents())).toEqual([['c1', 'a2']]);
  });

  it('does not hand a deciding interaction to an agent who becomes free meanwhile', () => {
    const e = withAgents(2);
    e.upsertAgent(agent({ id: 'late', capacity: { chat: 1 } }), t0);
    e.enqueue(chat('c1'), t0 + 100);
    e.setPresence('late', 'available', '', t0 + 110);
    expect(offers(e.drainEvents())).toEqual([]);
    expect(e.interactions.get('c1')?.phase).toBe('deciding');
  });

  it('offers at once, without asking, when exactly one agent can take it', () => {
    const e = withAgents(1);
    e.enqueue(chat('c1'), t0 + 100);
    expect(offers(e.drainEvents())).toEqual([['c1', 'a1']]);
    expect(e.drainDecisionRequests()).toEqual([]);
  });

  it('abandons a deciding interaction on cancel and ignores the late answer', () => {
    const e = withAgents(2);
    e.enqueue(chat('c1'), t0 + 100);
    e.drainEvents();
    e.cancel('c1', t0 + 120);
    expect(e.drainEvents()).toEqual([expect.objectContaining({ type: 'interaction.abandoned', whileOffered: false })]);
    expect(e.drainDecisionRequests()).toEqual([]);

    expect(e.decide('c1', ['a1'], t0 + 150)).toEqual({ outcome: 'ignored' });
    expect(e.drainEvents()).toEqual([]);
    expect(e.offers.size).toBe(0);
  });

  it('ignores an answer to an earlier round once the interaction was placed again', () => {
    const e = withAgents(3, { channels: ['voice', 'callback'] });
    for (const id of ['a1', 'a2', 'a3']) e.upsertAgent(agent({ id, capacity: { voice: 1, callback: 1 } }), t0 + 5);
    e.enqueue({ ...chat('v1'), channel: 'voice' }, t0 + 100);
    expect(e.drainDecisionRequests().map((r) => r.round)).toEqual([1]);

    e.convertToCallback('v1', t0 + 120);
    expect(e.interactions.get('v1')).toMatchObject({ phase: 'deciding', channel: 'callback', decisionRound: 2 });
    expect(e.drainDecisionRequests().map((r) => r.round)).toEqual([2]);

    expect(e.decide('v1', ['a3'], t0 + 130, { round: 1 })).toEqual({ outcome: 'ignored' });
    expect(e.decide('v1', ['a2'], t0 + 140, { round: 2 })).toEqual({ outcome: 'hook', agentId: 'a2' });
  });

  it('transfers a deciding interaction to a queue without a hook, which offers it at once', () => {
    const e = withAgents(2);
    e.upsertQueue(queue({ id: 'plain' }), t0);
    e.enqueue(chat('c1'), t0 + 100);
    e.drainEvents();
    e.transferToQueue('c1', 'plain', 0, t0 + 120);
    expect(offers(e.drainEvents())).toEqual([['c1', 'a1']]);
    expect(e.decide('c1', ['a2'], t0 + 150)).toEqual({ outcome: 'ignored' });
    expect(reservedOf(e, 'a2')).toBe(0);
  });

  it('overflows a deciding interaction at its max wait', () => {
    const e = withAgents(2, { maxWaitMs: 50, maxWaitAction: 'voicemail' });
    e.enqueue(chat('c1'), t0 + 100);
    e.drainEvents();
    e.advance(t0 + 150);
    expect(e.drainEvents()).toEqual([expect.objectContaining({ type: 'interaction.overflowed', interactionId: 'c1' })]);
    expect(e.interactions.has('c1')).toBe(false);
    expect(e.decide('c1', ['a1'], t0 + 160)).toEqual({ outcome: 'ignored' });
  });

  it('falls back on its own deadline when no answer is ever recorded', () => {
    const e = withAgents(2);
    e.enqueue(chat('c1'), t0 + 100);
    e.drainEvents();
    e.advance(t0 + 100 + hook.timeoutMs + 999);
    expect(e.interactions.get('c1')?.phase).toBe('deciding');
    e.advance(t0 + 100 + hook.timeoutMs + 1_000);
    const events = e.drainEvents();
    expect(offers(events)).toEqual([['c1', 'a1']]);
    expect(decided(events)).toEqual([expect.objectContaining({ decidedBy: 'fallback', fallbackReason: 'deadline' })]);
  });

  it('asks the hook again after a rejection, without the agent who declined', () => {
    const e = withAgents(3);
    e.enqueue(chat('c1'), t0 + 100);
    e.decide('c1', ['a2'], t0 + 150);
    const offerId = e.interactions.get('c1')?.offerId as string;
    e.drainDecisionRequests();

    e.reject(offerId, t0 + 200);
    expect(e.interactions.get('c1')?.phase).toBe('deciding');
    const [request] = e.drainDecisionRequests();
    expect(request?.round).toBe(2);
    expect(request?.candidates.map((c) => c.agentId)).toEqual(['a1', 'a3']);
  });
});
