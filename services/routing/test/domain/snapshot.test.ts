// The engine's state survives a snapshot: an engine rebuilt from exportState() (through JSON, as a snapshot stores
// it) is where the original was — same lines, offers, timers and agent clocks — and goes on exactly like it.
import { describe, expect, it } from 'vitest';
import { RoutingEngine } from '../../src/domain/engine.js';
import type { EngineState } from '../../src/domain/engine-snapshot.js';
import type { RoutingEvent } from '../../src/domain/events.js';
import type { EnqueueRequest, QueueConfig } from '../../src/domain/model.js';
import { agent, queue, t0 } from '../support/builders.js';

/** Offer ids from a count, like the state machine's: a restored engine continues from the count it had. */
function offerIds(issued = 0) {
  const ids = { issued, newId: () => `offer-${++ids.issued}` };
  return ids;
}

/** An original engine and, on demand, its restored twin. */
function setup(queues: QueueConfig[]) {
  const ids = offerIds();
  const original = new RoutingEngine({ newId: ids.newId });
  for (const config of queues) original.upsertQueue(config, t0);
  const restore = () => {
    original.drainEvents();
    const state = JSON.parse(JSON.stringify(original.exportState())) as EngineState;
    return RoutingEngine.fromState(state, { newId: offerIds(ids.issued).newId }, queues);
  };
  return { original, restore };
}

/** Runs the same operation on both engines; expects the same events and returns them. */
function onBoth(original: RoutingEngine, restored: RoutingEngine, operation: (engine: RoutingEngine) => void) {
  operation(original);
  operation(restored);
  const events = restored.drainEvents();
  expect(events).toEqual(original.drainEvents());
  return events;
}

const chat = (id: string, extra: Partial<EnqueueRequest> = {}): EnqueueRequest => ({
  interactionId: id,
  queueId: 'q',
  channel: 'chat',
  priority: 0,
  attributes: {},
  ...extra,
});

const types = (events: RoutingEvent[]) => events.map((event) => event.type);

describe('engine snapshots', () => {
  it('restore an offer whose timer fires at the same time, and continue the offer ids', () => {
    const { original, restore } = setup([queue({ id: 'q', offerTimeoutMs: { chat: 10_000 } })]);
    original.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
    original.upsertAgent(agent({ id: 'b', capacity: { chat: 1 } }), t0);
    original.setPresence('a', 'available', '', t0);
    original.enqueue(chat('c1'), t0 + 1_000);
    const restored = restore();
    expect(restored.offers.get('offer-1')).toMatchObject({ expiresAt: t0 + 11_000, agent: { id: 'a' } });

    onBoth(original, restored, (e) => e.setPresence('b', 'available', '', t0 + 5_000));
    expect(onBoth(original, restored, (e) => e.advance(t0 + 10_999))).toEqual([]);
    const events = onBoth(original, restored, (e) => e.advance(t0 + 11_000));
    expect(events).toContainEqual(expect.objectContaining({ type: 'offer.timed_out', offerId: 'offer-1' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'offer.created', offerId: 'offer-2', agentId: 'b' }));
  });

  it('keep a sticky interaction waiting for its agent until the window ends, then give it to the queue', () => {
    const { original, restore } = setup([queue({ id: 'q', stickyWindowMs: 20_000 })]);
    original.upsertAgent(agent({ id: 'usual', capacity: { chat: 1 } }), t0);
    original.upsertAgent(agent({ id: 'other', capacity: { chat: 1 } }), t0);
    original.enqueue(chat('c1', { preferredAgentId: 'usual' }), t0);
    const restored = restore();

    expect(onBoth(original, restored, (e) => e.setPresence('other', 'available', '', t0 + 1_000))).not.toContainEqual(
      expect.objectContaining({ type: 'offer.created' }),
    );
    const released = onBoth(original, restored, (e) => e.advance(t0 + 20_000));
    expect(released).toContainEqual(
      expect.objectContaining({ type: 'offer.created', agentId: 'other', at: t0 + 20_000 }),
    );
  });

  it('keep an interaction transferred to a busy agent in that agent’s line, not in the pool it was offered from', () => {
    const { original, restore } = setup([queue({ id: 'q' })]);
    for (const id of ['first', 'target', 'bystander']) original.upsertAgent(agent({ id, capacity: { chat: 1 } }), t0);
    original.setPresence('first', 'available', '', t0);
    original.enqueue(chat('c1'), t0 + 1);
    original.accept('offer-1', t0 + 2);
    original.transferToAgent('c1', 'target', t0 + 3); // target is offline: c1 waits for it alone
    const restored = restore();

    const events = onBoth(original, restored, (e) => e.setPresence('bystander', 'available', '', t0 + 4));
    expect(types(events)).not.toContain('offer.created');
    expect(onBoth(original, restored, (e) => e.setPresence('target', 'available', '', t0 + 5))).toContainEqual(
      expect.objectContaining({ type: 'offer.created', interactionId: 'c1', agentId: 'target' }),
    );
  });

  it('keep a declining agent skipped for the interaction until the cool-down ends', () => {
    const { original, restore } = setup([queue({ id: 'q' })]);
    original.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
    original.setPresence('a', 'available', '', t0);
    original.enqueue(chat('c1'), t0);
    original.reject('offer-1', t0 + 1_000);
    const restored = restore();
    expect([...(restored.interactions.get('c1')?.declinedBy ?? [])]).toEqual(['a']);

    expect(onBoth(original, restored, (e) => e.advance(t0 + 60_999))).toEqual([]);
    expect(onBoth(original, restored, (e) => e.advance(t0 + 61_000))).toContainEqual(
      expect.objectContaining({ type: 'offer.created', agentId: 'a', at: t0 + 61_000 }),
    );
  });

  it('keep an interaction at the widening step it reached, without working it out again from the clock', () => {
    const steps = [
      { afterMs: 10_000, relaxSkillsBy: 2, addTeamIds: [], anySite: false },
      { afterMs: 30_000, relaxSkillsBy: 2, addTeamIds: [], anySite: false },
    ];
    const { original, restore } = setup([queue({ id: 'q', expression: 'skill.tech >= 7', steps })]);
    original.upsertAgent(agent({ id: 'junior', skills: { tech: 5 }, capacity: { chat: 1 } }), t0);
    original.upsertAgent(agent({ id: 'novice', skills: { tech: 3 }, capacity: { chat: 1 } }), t0);
    original.enqueue(chat('c1'), t0);
    original.advance(t0 + 10_000);
    const restored = restore();
    expect(restored.interactions.get('c1')).toMatchObject({ phase: 'waiting', step: 1 });

    // Due (t0 + 30 s) but not yet run: still step 1, so the novice may not take it until the timer runs.
    expect(onBoth(original, restored, (e) => e.setPresence('novice', 'available', '', t0 + 35_000))).not.toContainEqual(
      expect.objectContaining({ type: 'offer.created' }),
    );
    expect(onBoth(original, restored, (e) => e.advance(t0 + 35_000))).toContainEqual(
      expect.objectContaining({ type: 'offer.created', agentId: 'novice', at: t0 + 30_000 }),
    );
  });

  it('end wrap-up on the same timer and give the agent its next interaction', () => {
    const { original, restore } = setup([queue({ id: 'q', wrapUpMs: 15_000 })]);
    original.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
    original.setPresence('a', 'available', '', t0);
    original.enqueue(chat('c1'), t0);
    original.accept('offer-1', t0 + 1_000);
    original.end('c1', t0 + 2_000);
    original.enqueue(chat('c2'), t0 + 3_000);
    const restored = restore();
    expect(restored.agents.get('a')).toMatchObject({ state: 'wrap_up', stateSince: t0 + 2_000 });

    const events = onBoth(original, restored, (e) => e.advance(t0 + 17_000));
    expect(types(events)).toEqual([
      'interaction.completed',
      'agent.state_changed',
      'offer.created',
      'agent.state_changed',
    ]);
    expect(events[1]).toMatchObject({ previous: 'wrap_up', current: 'available', previousDurationMs: 15_000 });
  });

  it('keep an agent paused after missed offers, with the time spent in that state', () => {
    const { original, restore } = setup([queue({ id: 'q', offerTimeoutMs: { chat: 5_000 } })]);
    original.upsertAgent(agent({ id: 'a', capacity: { chat: 1 }, missedOffersBeforePause: 2 }), t0);
    original.setPresence('a', 'available', '', t0);
    original.enqueue(chat('c1'), t0);
    original.advance(t0 + 70_000); // missed at +5 s; offered again when the cool-down ends (+65 s), missed at +70 s
    const restored = restore();
    expect(restored.agents.get('a')).toMatchObject({
      presence: 'not_ready',
      presenceReason: 'missed',
      missedInRow: 2,
      stateSince: t0 + 70_000,
    });

    const events = onBoth(original, restored, (e) => e.setPresence('a', 'available', '', t0 + 100_000));
    expect(events[0]).toMatchObject({ previous: 'not_ready', current: 'available', previousDurationMs: 30_000 });
  });

  it('keep the round-robin order of available agents', () => {
    const { original, restore } = setup([queue({ id: 'q', strategy: 'round_robin' })]);
    for (const id of ['a', 'b']) original.upsertAgent(agent({ id, capacity: { chat: 2 } }), t0);
    original.setPresence('a', 'available', '', t0);
    original.enqueue(chat('c1'), t0 + 1_000); // to a, at +1 s
    original.setPresence('b', 'available', '', t0 + 2_000);
    original.accept('offer-1', t0 + 3_000);
    const restored = restore();

    // a has been idle longer than b has been available, but was offered work more recently: b is next.
    expect(onBoth(original, restored, (e) => e.enqueue(chat('c2'), t0 + 4_000))).toContainEqual(
      expect.objectContaining({ type: 'offer.created', agentId: 'b' }),
    );
  });

  it('keep an interaction deciding with its candidates, and its decision deadline', () => {
    const hook = { subject: 'hooks.q', timeoutMs: 200 };
    const { original, restore } = setup([queue({ id: 'q', decisionHook: hook })]);
    for (const id of ['a', 'b']) {
      original.upsertAgent(agent({ id, capacity: { chat: 1 } }), t0);
      original.setPresence(id, 'available', '', t0);
    }
    original.enqueue(chat('c1'), t0 + 1_000);
    original.drainDecisionRequests();
    const restored = restore();
    expect(restored.interactions.get('c1')).toMatchObject({
      phase: 'deciding',
      candidateAgentIds: ['a', 'b'],
      decisionRound: 1,
    });

    expect(onBoth(original, restored, (e) => e.advance(t0 + 2_200))).toContainEqual(
      expect.objectContaining({ type: 'routing.decided', decidedBy: 'fallback', fallbackReason: 'deadline' }),
    );
  });

  it('refuses a snapshot whose interactions name a queue it was not given', () => {
    const { original } = setup([queue({ id: 'q' })]);
    original.enqueue(chat('c1'), t0);
    expect(() => RoutingEngine.fromState(original.exportState(), { newId: () => 'x' }, [])).toThrow(
      /interaction "c1" is in unknown queue "q"/,
    );
  });
});
