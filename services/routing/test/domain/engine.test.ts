// The routing engine's rules, one behaviour per test, with time passed in explicitly.
import { describe, expect, it } from 'vitest';
import { type ParleyError, Status } from '@parley/kit';
import type { RoutingEvent } from '../../src/domain/events.js';
import { compileSkillsExpression } from '../../src/domain/skills-expression/index.js';
import { agent, engine, queue, t0 } from '../support/builders.js';

function offersIn(events: RoutingEvent[]): { interactionId: string; agentId: string; offerId: string }[] {
  return events.flatMap((e) =>
    e.type === 'offer.created' ? [{ interactionId: e.interactionId, agentId: e.agentId, offerId: e.offerId }] : [],
  );
}

function offerOf(events: RoutingEvent[], interactionId: string): string {
  const offer = offersIn(events).find((o) => o.interactionId === interactionId);
  if (!offer) throw new Error(`no offer for ${interactionId}`);
  return offer.offerId;
}

const chat = (id: string, queueId = 'q', priority = 0) => ({
  interactionId: id,
  queueId,
  channel: 'chat' as const,
  priority,
  attributes: {},
});
const voice = (id: string, queueId = 'q', priority = 0) => ({
  interactionId: id,
  queueId,
  channel: 'voice' as const,
  priority,
  attributes: {},
});

describe('routing engine', () => {
  it('offers the longest-waiting chat to the agent idle longest', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'recent', capacity: { chat: 1 } }), t0);
    e.upsertAgent(agent({ id: 'longest', capacity: { chat: 1 } }), t0);
    e.setPresence('longest', 'available', '', t0 + 10);
    e.setPresence('recent', 'available', '', t0 + 20);
    e.enqueue(chat('c1'), t0 + 30);
    e.enqueue(chat('c2'), t0 + 31);
    expect(offersIn(e.drainEvents()).map((o) => [o.interactionId, o.agentId])).toEqual([
      ['c1', 'longest'],
      ['c2', 'recent'],
    ]);
  });

  it('serves higher priority first and, within a priority, the earliest arrival', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
    e.enqueue(chat('low-early', 'q', 0), t0);
    e.enqueue(chat('high-late', 'q', 5), t0 + 1_000);
    e.enqueue(chat('low-late', 'q', 0), t0 + 2_000);
    e.setPresence('a', 'available', '', t0 + 3_000);
    const served: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [offer] = offersIn(e.drainEvents());
      served.push(offer!.interactionId);
      e.accept(offer!.offerId, t0 + 3_000 + i);
      e.end(offer!.interactionId, t0 + 3_000 + i);
    }
    expect(served).toEqual(['high-late', 'low-early', 'low-late']);
  });

  it('lets a long wait overtake a higher priority, so nothing starves', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', slaThresholdMs: 10_000, urgency: 1 }), t0);
    e.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
    e.enqueue(chat('old-low', 'q', 0), t0);
    e.enqueue(chat('new-high', 'q', 2), t0 + 29_000); // old-low has aged +2.9 by now, new-high only +0.1 later
    e.setPresence('a', 'available', '', t0 + 30_000);
    expect(offersIn(e.drainEvents())[0]?.interactionId).toBe('old-low');
  });

  it('gives an agent in several queues the longest-waiting interaction across them when priorities tie', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'billing' }), t0);
    e.upsertQueue(queue({ id: 'sales' }), t0);
    e.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
    e.enqueue(chat('sales-1', 'sales'), t0 + 100);
    e.enqueue(chat('billing-1', 'billing'), t0 + 50);
    e.enqueue(chat('sales-2', 'sales'), t0 + 10);
    e.setPresence('a', 'available', '', t0 + 1_000);
    expect(offersIn(e.drainEvents())[0]?.interactionId).toBe('sales-2');
  });

  it('fills chat capacity up to three but never gives a second call, nor a chat during a call', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.setPresence('a', 'available', '', t0);
    for (const id of ['c1', 'c2', 'c3', 'c4']) e.enqueue(chat(id), t0 + 1);
    expect(offersIn(e.drainEvents()).map((o) => o.interactionId)).toEqual(['c1', 'c2', 'c3']);

    const v = engine();
    v.upsertQueue(queue({ id: 'q' }), t0);
    v.upsertAgent(agent({ id: 'a' }), t0);
    v.setPresence('a', 'available', '', t0);
    v.enqueue(voice('v1'), t0 + 1);
    v.enqueue(voice('v2'), t0 + 2);
    v.enqueue(chat('c1'), t0 + 3);
    expect(offersIn(v.drainEvents()).map((o) => o.interactionId)).toEqual(['v1']);
  });

  it('puts a rejected interaction back at its original place and offers it to another agent', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a', capacity: { chat: 1 } }), t0);
    e.upsertAgent(agent({ id: 'b', capacity: { chat: 1 } }), t0);
    e.enqueue(chat('first'), t0);
    e.enqueue(chat('second'), t0 + 1);
    e.setPresence('a', 'available', '', t0 + 10);
    const offerToA = offerOf(e.drainEvents(), 'first');
    e.reject(offerToA, t0 + 20);
    e.setPresence('b', 'available', '', t0 + 30);
    const events = e.drainEvents();
    // 'first' kept its place ahead of 'second': b gets it; a (who declined it) gets 'second'.
    expect(offersIn(events)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ interactionId: 'first', agentId: 'b' }),
        expect.objectContaining({ interactionId: 'second', agentId: 'a' }),
      ]),
    );
  });

  it('pauses an agent as not_ready(missed) after the configured number of unanswered offers', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', offerTimeoutMs: { voice: 5_000 } }), t0);
    e.upsertAgent(agent({ id: 'a', missedOffersBeforePause: 2 }), t0);
    e.setPresence('a', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    e.advance(t0 + 5_000); // missed once: offered again? no: declined by a, nobody else
    e.enqueue(voice('v2'), t0 + 6_000);
    e.advance(t0 + 11_000); // missed twice
    const events = e.drainEvents();
    expect(events.filter((ev) => ev.type === 'offer.timed_out')).toHaveLength(2);
    expect(e.agents.get('a')?.deriveState()).toBe('not_ready');
    expect(events.at(-1)).toMatchObject({ type: 'agent.state_changed', current: 'not_ready', reason: 'missed' });
  });

  it('rescinds the offer when the customer leaves and frees the agent at once for the next one', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.setPresence('a', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    e.enqueue(voice('v2'), t0 + 1);
    e.cancel('v1', t0 + 2_000);
    const events = e.drainEvents();
    expect(events.map((ev) => ev.type)).toContain('offer.rescinded');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'interaction.abandoned',
        interactionId: 'v1',
        waitMs: 2_000,
        whileOffered: true,
      }),
    );
    expect(offersIn(events).map((o) => o.interactionId)).toEqual(['v1', 'v2']);
  });

  it('gives a ringing offer back to the line when the agent logs out, and offers it to the next agent', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.upsertAgent(agent({ id: 'b' }), t0);
    e.setPresence('a', 'available', '', t0);
    e.enqueue(voice('v1'), t0 + 1);
    e.setPresence('b', 'available', '', t0 + 2);
    e.drainEvents();
    e.setPresence('a', 'offline', 'logged out', t0 + 3);
    const events = e.drainEvents();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'offer.rescinded', interactionId: 'v1', agentId: 'a' }),
    );
    expect(offersIn(events)).toEqual([expect.objectContaining({ interactionId: 'v1', agentId: 'b' })]);
    expect(e.interactions.get('v1')?.enqueuedAt).toBe(t0 + 1);
  });

  it('keeps the place in line when a waiting call becomes a callback', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a', capacity: { voice: 1, callback: 1 } }), t0);
    e.enqueue(voice('early'), t0);
    e.enqueue(voice('late'), t0 + 1_000);
    e.convertToCallback('early', t0 + 2_000);
    e.setPresence('a', 'available', '', t0 + 3_000);
    const [offer] = offersIn(e.drainEvents());
    expect(offer?.interactionId).toBe('early');
    expect(e.interactions.get('early')?.channel).toBe('callback');
    expect(e.interactions.get('early')?.enqueuedAt).toBe(t0);
  });

  it("waits for the customer's last agent during the sticky window, then takes anyone", () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', stickyWindowMs: 10_000 }), t0);
    e.upsertAgent(agent({ id: 'last' }), t0);
    e.upsertAgent(agent({ id: 'other' }), t0);
    e.setPresence('other', 'available', '', t0);
    e.enqueue({ ...voice('v1'), preferredAgentId: 'last' }, t0 + 1);
    expect(offersIn(e.drainEvents())).toEqual([]);
    e.advance(t0 + 10_001);
    expect(offersIn(e.drainEvents())[0]?.agentId).toBe('other');
  });

  it("widens the skill requirement after the step's wait time (bullseye)", () => {
    const e = engine();
    e.upsertQueue(
      queue({
        id: 'q',
        expression: 'skill.billing >= 7',
        steps: [{ afterMs: 30_000, relaxSkillsBy: 3, addTeamIds: [], anySite: false }],
      }),
      t0,
    );
    e.upsertAgent(agent({ id: 'junior', skills: { billing: 4 } }), t0);
    e.setPresence('junior', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    e.advance(t0 + 29_999);
    expect(offersIn(e.drainEvents())).toEqual([]);
    e.advance(t0 + 30_000);
    expect(offersIn(e.drainEvents())[0]?.agentId).toBe('junior');
  });

  it('lets a step replace the skills requirement and add single sites', () => {
    const e = engine();
    e.upsertQueue(
      queue({
        id: 'q',
        siteIds: ['waw'],
        expression: 'skill.billing >= 8',
        steps: [
          {
            afterMs: 20_000,
            relaxSkillsBy: 0,
            addTeamIds: [],
            anySite: false,
            addSiteIds: ['krk'],
            requirement: compileSkillsExpression('skill.sales >= 3'),
          },
        ],
      }),
      t0,
    );
    e.upsertAgent(agent({ id: 'krakow-sales', siteId: 'krk', skills: { sales: 4 } }), t0);
    e.upsertAgent(agent({ id: 'gdansk-sales', siteId: 'gdn', skills: { sales: 9 } }), t0);
    e.setPresence('krakow-sales', 'available', '', t0);
    e.setPresence('gdansk-sales', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    expect(offersIn(e.drainEvents())).toEqual([]);
    e.advance(t0 + 20_000);
    expect(offersIn(e.drainEvents())).toEqual([
      expect.objectContaining({ interactionId: 'v1', agentId: 'krakow-sales' }),
    ]);
  });

  it('reaches other sites only from the step that allows it', () => {
    const e = engine();
    e.upsertQueue(
      queue({
        id: 'q',
        siteIds: ['waw'],
        steps: [{ afterMs: 60_000, relaxSkillsBy: 0, addTeamIds: [], anySite: true }],
      }),
      t0,
    );
    e.upsertAgent(agent({ id: 'krakow', siteId: 'krk' }), t0);
    e.setPresence('krakow', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    expect(offersIn(e.drainEvents())).toEqual([]);
    e.advance(t0 + 60_000);
    expect(offersIn(e.drainEvents())[0]?.agentId).toBe('krakow');
  });

  it("overflows an interaction that waits past the queue's maximum with the configured action", () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', maxWaitMs: 120_000, maxWaitAction: 'voicemail' }), t0);
    e.enqueue(voice('v1'), t0);
    e.advance(t0 + 120_000);
    expect(e.drainEvents()).toContainEqual(
      expect.objectContaining({
        type: 'interaction.overflowed',
        interactionId: 'v1',
        reason: 'max_wait',
        action: 'voicemail',
        waitMs: 120_000,
      }),
    );
    expect(e.interactions.has('v1')).toBe(false); // the sip-gateway takes the call to voicemail
  });

  it('offers the next waiting interaction the moment an agent finishes the last one', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.setPresence('a', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    e.enqueue(voice('v2'), t0 + 1);
    e.accept(offerOf(e.drainEvents(), 'v1'), t0 + 2);
    e.end('v1', t0 + 3);
    expect(offersIn(e.drainEvents())).toEqual([expect.objectContaining({ interactionId: 'v2', agentId: 'a' })]);
  });

  it('holds the agent in wrap-up until it completes or its timeout passes', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', wrapUpMs: 30_000 }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.setPresence('a', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    e.accept(offerOf(e.drainEvents(), 'v1'), t0 + 5_000);
    e.end('v1', t0 + 65_000);
    e.enqueue(voice('v2'), t0 + 66_000);
    expect(offersIn(e.drainEvents())).toEqual([]);
    expect(e.agents.get('a')?.deriveState()).toBe('wrap_up');
    e.advance(t0 + 95_000);
    expect(offersIn(e.drainEvents())[0]?.interactionId).toBe('v2');
  });

  it('completes a wrap-up with the agent’s disposition, or says the wrap-up time ran out', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', wrapUpMs: 30_000 }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.upsertAgent(agent({ id: 'b' }), t0);
    e.setPresence('a', 'available', '', t0);
    e.setPresence('b', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    e.enqueue(voice('v2'), t0);
    const offered = e.drainEvents();
    e.accept(offerOf(offered, 'v1'), t0 + 1_000);
    e.accept(offerOf(offered, 'v2'), t0 + 2_000);
    e.end('v1', t0 + 10_000);
    e.end('v2', t0 + 10_000);
    e.completeWrapUp('v1', t0 + 15_000, { wrapUpCodeId: 'resolved' });
    e.advance(t0 + 45_000);
    const completed = e.drainEvents().filter((ev) => ev.type === 'interaction.completed');
    expect(completed).toEqual([
      expect.objectContaining({ interactionId: 'v1', wrapUpCodeId: 'resolved' }),
      expect.objectContaining({ interactionId: 'v2', wrapUpTimedOut: true }),
    ]);
  });

  it('reports every agent state change with the time spent in the previous state', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.setPresence('a', 'available', '', t0 + 1_000);
    e.enqueue(voice('v1'), t0 + 4_000);
    e.accept(offerOf(e.drainEvents(), 'v1'), t0 + 6_000);
    e.end('v1', t0 + 66_000);
    const changes = e.drainEvents().filter((ev) => ev.type === 'agent.state_changed');
    expect(
      changes.map((c) => c.type === 'agent.state_changed' && [c.previous, c.current, c.previousDurationMs]),
    ).toEqual([
      ['reserved', 'busy', 2_000],
      ['busy', 'available', 60_000],
    ]);
  });

  it('transfers to another queue keeping the original enqueue time, with a priority boost', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'first-line' }), t0);
    e.upsertQueue(queue({ id: 'second-line' }), t0);
    e.enqueue(voice('v1', 'first-line', 1), t0);
    e.transferToQueue('v1', 'second-line', 3, t0 + 10_000);
    const moved = e.interactions.get('v1');
    expect(moved?.queue.id).toBe('second-line');
    expect(moved?.priority).toBe(4);
    expect(moved?.enqueuedAt).toBe(t0);
  });

  it('transfers to one agent: waits for that agent, and falls back to the queue if the agent declines', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'first' }), t0);
    e.upsertAgent(agent({ id: 'expert' }), t0);
    e.upsertAgent(agent({ id: 'other' }), t0);
    e.setPresence('first', 'available', '', t0);
    e.enqueue(voice('v1'), t0);
    e.accept(offerOf(e.drainEvents(), 'v1'), t0 + 1);
    e.setPresence('other', 'available', '', t0 + 2); // free, but not the one asked for
    e.transferToAgent('v1', 'expert', t0 + 3);
    expect(offersIn(e.drainEvents())).toEqual([]);
    e.setPresence('expert', 'available', '', t0 + 4);
    const offerToExpert = offerOf(e.drainEvents(), 'v1');
    expect(e.offers.get(offerToExpert)?.agent.id).toBe('expert');
    e.reject(offerToExpert, t0 + 5);
    const fallback = offersIn(e.drainEvents());
    expect(fallback).toEqual([expect.objectContaining({ interactionId: 'v1' })]);
    expect(fallback[0]?.agentId).not.toBe('expert');
    expect(e.interactions.get('v1')?.enqueuedAt).toBe(t0);
  });

  it('repairs an agent whose held work disagrees with its offers and interactions, and says so', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    e.upsertAgent(agent({ id: 'a' }), t0);
    e.setPresence('a', 'available', '', t0);
    expect(e.reconcile(t0 + 1)).toBe(0); // a consistent engine has nothing to repair
    const a = e.agents.get('a')!;
    a.active.voice = 1; // "busy" with no interaction: a bug's footprint
    a.reserved.chat = 2; // reservations without offers
    e.enqueue(voice('v1'), t0 + 2); // the corrupted agent cannot take it
    expect(offersIn(e.drainEvents())).toEqual([]);
    expect(e.reconcile(t0 + 3)).toBe(2);
    const events = e.drainEvents();
    expect(
      events
        .filter((ev) => ev.type === 'routing.reconciled')
        .map((ev) => ev.type === 'routing.reconciled' && ev.kind)
        .sort(),
    ).toEqual(['busy_without_interaction', 'orphan_reservation']);
    expect(offersIn(events)).toEqual([expect.objectContaining({ interactionId: 'v1', agentId: 'a' })]); // back at work
  });

  it('answers unknown ids with NOT_FOUND and illegal steps with FAILED_PRECONDITION', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', channels: ['chat'] }), t0);
    const statusOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as ParleyError).status;
      }
      return undefined;
    };
    expect(statusOf(() => e.enqueue(chat('c', 'missing'), t0))).toBe(Status.NOT_FOUND);
    expect(statusOf(() => e.enqueue(voice('v', 'q'), t0))).toBe(Status.FAILED_PRECONDITION);
    expect(statusOf(() => e.accept('no-such-offer', t0))).toBe(Status.NOT_FOUND);
    e.enqueue(chat('c', 'q'), t0);
    expect(statusOf(() => e.end('c', t0))).toBe(Status.FAILED_PRECONDITION);
    expect(statusOf(() => e.setPresence('ghost', 'available', '', t0))).toBe(Status.NOT_FOUND);
  });

  it('treats a repeated enqueue of the same interaction as the same request', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q' }), t0);
    const first = e.enqueue(chat('c'), t0);
    const again = e.enqueue(chat('c'), t0 + 5);
    expect(again).toBe(first);
    expect(e.drainEvents().filter((ev) => ev.type === 'interaction.queued')).toHaveLength(1);
  });
});
