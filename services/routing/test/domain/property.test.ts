// Invariants of the engine under random sequences of operations (fast-check): whatever happens, no interaction is
// offered twice, no agent holds more than its capacity, nothing waits while an agent who may take it sits idle,
// and a rejected interaction keeps its place in line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoutingEngine } from '../../src/domain/engine.js';
import { channels, type Channel } from '../../src/domain/model.js';
import { awaitsAgent } from '../../src/domain/decisions.js';
import { servedBefore } from '../../src/domain/waiting-interaction.js';
import { agent, engine, queue, t0 } from '../support/builders.js';

type Operation =
  | { kind: 'enqueue'; queue: number; channel: Channel; priority: number }
  | { kind: 'presence'; agent: number; available: boolean }
  | { kind: 'accept' | 'reject'; pick: number }
  | { kind: 'end' | 'complete' | 'cancel'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'transfer'; pick: number; agent: number }
  | { kind: 'transfer_queue'; pick: number; queue: number; boost: number }
  | { kind: 'callback'; pick: number }
  | { kind: 'decide'; pick: number; answer: 'reversed' | 'failed' | 'unknown_agent' };

// Weighted so that the interesting paths (offers answered, work finished while more waits) come up often.
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      queue: fc.nat(2),
      channel: fc.constantFrom<Channel>('voice', 'chat', 'email'),
      priority: fc.nat(3),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('presence' as const), agent: fc.nat(4), available: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constantFrom('accept' as const, 'reject' as const), pick: fc.nat(20) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('end' as const, 'complete' as const, 'cancel' as const),
      pick: fc.nat(20),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('transfer' as const), pick: fc.nat(20), agent: fc.nat(4) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('transfer_queue' as const),
      pick: fc.nat(20),
      queue: fc.nat(2),
      boost: fc.nat(2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('callback' as const), pick: fc.nat(20) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      pick: fc.nat(20),
      answer: fc.constantFrom('reversed' as const, 'failed' as const, 'unknown_agent' as const),
    }),
  },
);

function setUp(): RoutingEngine {
  const e = engine();
  e.upsertQueue(
    queue({
      id: 'q0',
      expression: 'skill.billing >= 3',
      offerTimeoutMs: { voice: 15_000, chat: 20_000, email: 30_000 },
    }),
    t0,
  );
  // q1 asks a decision hook whenever two or more agents could take an interaction.
  e.upsertQueue(queue({ id: 'q1', teamIds: ['sales'], decisionHook: { subject: 'hook.q1', timeoutMs: 2_000 } }), t0);
  e.upsertQueue(
    queue({
      id: 'q2',
      strategy: 'least_occupied',
      wrapUpMs: 10_000,
      maxWaitMs: 90_000,
      steps: [{ afterMs: 30_000, relaxSkillsBy: 2, addTeamIds: [], anySite: true }],
      siteIds: ['waw'],
      expression: 'skill.tech >= 6',
    }),
    t0,
  );
  e.upsertAgent(agent({ id: 'a0', skills: { billing: 5 }, teamIds: ['sales'] }), t0);
  e.upsertAgent(agent({ id: 'a1', skills: { billing: 2, tech: 7 }, siteId: 'krk' }), t0);
  e.upsertAgent(agent({ id: 'a2', skills: { tech: 4 }, teamIds: ['sales'], capacity: { chat: 2, email: 1 } }), t0);
  e.upsertAgent(
    agent({ id: 'a3', skills: { billing: 9, tech: 9 }, voiceIsExclusive: false, missedOffersBeforePause: 2 }),
    t0,
  );
  e.upsertAgent(agent({ id: 'a4', skills: {}, teamIds: ['sales'], capacity: { voice: 1 } }), t0);
  // Everyone starts available, so random sequences reach offers, answers and finished work quickly.
  for (let a = 0; a < 5; a++) e.setPresence(`a${a}`, 'available', '', t0);
  return e;
}

function checkInvariants(e: RoutingEngine, now: number): void {
  // Every agent's held work matches the offers and interactions (the reconciler finds nothing to repair).
  expect(e.reconcile(now)).toBe(0);
  // One live offer per interaction, and the interaction knows it.
  const offered = new Set<string>();
  for (const offer of e.offers.values()) {
    expect(offered.has(offer.interaction.id)).toBe(false);
    offered.add(offer.interaction.id);
    expect(offer.interaction.phase).toBe('offered');
    expect(offer.interaction.offerId).toBe(offer.id);
  }
  // Capacity per channel and the voice rule.
  for (const a of e.agents.values()) {
    let other = 0;
    for (const channel of channels) {
      const held = a.reserved[channel] + a.active[channel] + a.wrapping[channel];
      expect(held).toBeGreaterThanOrEqual(0);
      expect(held).toBeLessThanOrEqual(a.profile.capacity[channel] ?? 0);
      if (channel !== 'voice' && channel !== 'callback') other += held;
    }
    const calls =
      a.reserved.voice +
      a.active.voice +
      a.wrapping.voice +
      a.reserved.callback +
      a.active.callback +
      a.wrapping.callback;
    if (a.profile.voiceIsExclusive && calls > 0) expect(other).toBe(0);
  }
  // The indexes answer what a full scan would: each queue's line, everyone's place in it, each agent's work.
  for (const queueId of ['q0', 'q1', 'q2']) {
    const scanned = [...e.interactions.values()]
      .filter((i) => i.queue.id === queueId && awaitsAgent(i))
      .sort((a, b) => (servedBefore(a, b, now) ? -1 : servedBefore(b, a, now) ? 1 : 0));
    expect(e.waitingInQueue(queueId).map((i) => i.id)).toEqual(scanned.map((i) => i.id));
    scanned.forEach((interaction, index) =>
      expect(e.placeInQueue(interaction)).toEqual({ position: index + 1, waiting: scanned.length }),
    );
  }
  for (const interaction of e.interactions.values()) {
    if (!awaitsAgent(interaction)) expect(e.placeInQueue(interaction).position).toBe(0);
  }
  for (const a of e.agents.values()) {
    const scanned = [...e.interactions.values()].filter((i) => i.agentId === a.id).map((i) => i.id);
    expect(
      e
        .workOf(a.id)
        .map((i) => i.id)
        .sort(),
    ).toEqual(scanned.sort());
  }
  // Work-conserving: a waiting interaction is never left while an eligible agent who did not decline it can take it.
  for (const interaction of e.interactions.values()) {
    if (interaction.phase !== 'waiting' || !interaction.pool) continue;
    for (const candidate of interaction.pool.available.values()) {
      const idleAndAllowed = candidate.canTake(interaction.channel) && !interaction.declinedBy.has(candidate.id);
      expect(idleAndAllowed, `${interaction.id} waits while ${candidate.id} could take it at ${now}`).toBe(false);
    }
  }
}

describe('routing engine invariants', () => {
  it('holds every invariant after any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 120 }), (operations) => {
        const e = setUp();
        let now = t0;
        let nextId = 0;
        for (const op of operations) {
          const live = [...e.interactions.values()];
          const offers = [...e.offers.values()];
          try {
            switch (op.kind) {
              case 'enqueue':
                e.enqueue(
                  {
                    interactionId: `i${nextId++}`,
                    queueId: `q${op.queue}`,
                    channel: op.channel,
                    priority: op.priority,
                    attributes: {},
                  },
                  now,
                );
                break;
              case 'presence':
                e.setPresence(
                  `a${op.agent}`,
                  op.available ? 'available' : 'not_ready',
                  op.available ? '' : 'break',
                  now,
                );
                break;
              case 'accept':
              case 'reject': {
                const offer = offers[op.pick % Math.max(1, offers.length)];
                if (offer && op.kind === 'accept') e.accept(offer.id, now);
                if (offer && op.kind === 'reject') e.reject(offer.id, now);
                break;
              }
              case 'end':
              case 'complete':
              case 'cancel': {
                // Prefer a target in the phase the operation needs, so the operation usually does something.
                const wanted = op.kind === 'end' ? 'connected' : op.kind === 'complete' ? 'wrap_up' : 'waiting';
                const fitting = live.filter((i) => i.phase === wanted);
                const target =
                  fitting[op.pick % Math.max(1, fitting.length)] ?? live[op.pick % Math.max(1, live.length)];
                if (!target) break;
                if (op.kind === 'end' && target.phase === 'connected') e.end(target.id, now);
                if (op.kind === 'complete' && target.phase === 'wrap_up') e.completeWrapUp(target.id, now);
                if (op.kind === 'cancel' && (target.phase === 'waiting' || target.phase === 'offered'))
                  e.cancel(target.id, now);
                break;
              }
              case 'advance':
                now += op.ms;
                e.advance(now);
                break;
              case 'transfer': {
                const target = live[op.pick % Math.max(1, live.length)];
                const to = e.agents.get(`a${op.agent}`);
                const takes = target && to && (to.profile.capacity[target.channel] ?? 0) > 0;
                if (target && takes && !(target.agentId === to.id && target.phase !== 'waiting')) {
                  e.transferToAgent(target.id, to.id, now);
                }
                break;
              }
              case 'transfer_queue': {
                const target = live[op.pick % Math.max(1, live.length)];
                if (target) e.transferToQueue(target.id, `q${op.queue}`, op.boost, now);
                break;
              }
              case 'callback': {
                const waiting = live.filter((i) => awaitsAgent(i) && i.channel === 'voice');
                const target = waiting[op.pick % Math.max(1, waiting.length)];
                if (target) e.convertToCallback(target.id, now);
                break;
              }
              case 'decide': {
                const deciding = live.filter((i) => i.phase === 'deciding');
                const target = deciding[op.pick % Math.max(1, deciding.length)];
                if (!target) break;
                if (op.answer === 'failed') e.decide(target.id, [], now, { failure: 'error_reply' });
                else if (op.answer === 'unknown_agent') e.decide(target.id, ['nobody'], now);
                else e.decide(target.id, [...target.candidateAgentIds].reverse(), now);
                break;
              }
            }
          } finally {
            e.drainEvents();
            e.drainDecisionRequests();
          }
          checkInvariants(e, now);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('serves by priority and, within a priority, first come first served', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(2), { minLength: 1, maxLength: 40 }), (priorities) => {
        const e = engine();
        e.upsertQueue(queue({ id: 'q', slaThresholdMs: 1e12 }), t0); // no ageing: pure priority, then arrival
        e.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
        priorities.forEach((priority, i) =>
          e.enqueue({ interactionId: `i${i}`, queueId: 'q', channel: 'chat', priority, attributes: {} }, t0 + i),
        );
        const expected = priorities
          .map((priority, i) => ({ id: `i${i}`, priority, i }))
          .sort((x, y) => y.priority - x.priority || x.i - y.i)
          .map((x) => x.id);
        let now = t0 + 1_000;
        e.setPresence('a', 'available', '', now);
        const served: string[] = [];
        for (const _ of priorities) {
          const [offer] = [...e.offers.values()];
          if (!offer) throw new Error('no offer while work is waiting');
          served.push(offer.interaction.id);
          now += 10;
          e.accept(offer.id, now);
          e.end(offer.interaction.id, now);
        }
        expect(served).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('puts a rejected interaction back exactly where it stood in line', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(2), { minLength: 2, maxLength: 30 }), fc.nat(), (priorities, seed) => {
        const e = engine();
        e.upsertQueue(queue({ id: 'q' }), t0);
        e.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
        priorities.forEach((priority, i) =>
          e.enqueue(
            { interactionId: `i${i}`, queueId: 'q', channel: 'chat', priority, attributes: {} },
            t0 + i * 7 + (seed % 5),
          ),
        );
        const now = t0 + 10_000;
        const lineBefore = e.waitingInQueue('q').map((i) => i.id);
        e.setPresence('a', 'available', '', now);
        const [offer] = [...e.offers.values()];
        expect(offer?.interaction.id).toBe(lineBefore[0]);
        e.reject(offer!.id, now);
        // The agent declined the head, so it now holds the second; the head is back in front of everyone else.
        const lineAfter = e.waitingInQueue('q').map((i) => i.id);
        expect(lineAfter).toEqual(lineBefore.filter((id) => id !== lineBefore[1]));
      }),
      { numRuns: 200 },
    );
  });
});
