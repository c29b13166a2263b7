// The snapshot property is only worth something if it notices a lost piece of state. Each case drops one on the way
// from snapshot to restore, as an export that forgot it would, turns the snapshot comparison off (a field missing
// on both sides compares equal) and expects answers, events or read views to give it away within a few hundred
// random histories (fixed seed, so the check is repeatable).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentSnapshot, InteractionSnapshot } from '../../src/domain/engine-snapshot.js';
import { expectRestoredToMatch, history, type DecodedSnapshot } from '../support/snapshot-histories.js';

type Corruption = (snapshot: DecodedSnapshot) => void;

const agents =
  (change: (agent: AgentSnapshot, snapshot: DecodedSnapshot) => void): Corruption =>
  (snapshot) => {
    for (const agent of snapshot.engine.agents) change(agent, snapshot);
  };

const interactions =
  (change: (interaction: InteractionSnapshot, snapshot: DecodedSnapshot) => void): Corruption =>
  (snapshot) => {
    for (const interaction of snapshot.engine.interactions) change(interaction, snapshot);
  };

const idle = { voice: 0, chat: 0, email: 0, callback: 0 };

// What a restore would hold had the export left the field out: the value a fresh record gets.
const lost: [string, Corruption][] = [
  ['the offer id counter', (s) => void (s.offersIssued = 0)],
  ["agents' presence", agents((a) => void (a.presence = 'offline'))],
  ["agents' presence reason", agents((a) => void (a.presenceReason = ''))],
  ["agents' work in hand", agents((a) => void Object.assign(a, { reserved: idle, active: idle, wrapping: idle }))],
  ["agents' state", agents((a) => void (a.state = 'offline'))],
  ["agents' state start", agents((a, s) => void (a.stateSince = s.time))],
  ["agents' idle start", agents((a, s) => void (a.idleSince = s.time))],
  ["agents' last offer time", agents((a) => void (a.lastOfferAt = 0))],
  ["agents' missed offers in a row", agents((a) => void (a.missedInRow = 0))],
  ['interaction order', (s) => void s.engine.interactions.reverse()],
  [
    "interactions' sticky lines",
    interactions((i) => void (i.placement = i.placement === 'sticky' ? 'pool' : i.placement)),
  ],
  ["interactions' pools", interactions((i) => void (i.placement = i.placement === 'pool' ? 'none' : i.placement))],
  ["interactions' widening step", interactions((i) => void (i.step = 0))],
  ["interactions' decliners", interactions((i) => void (i.declinedBy = []))],
  ["interactions' enqueue time", interactions((i, s) => void (i.enqueuedAt = s.time))],
  ["interactions' priority", interactions((i) => void (i.priority = 0))],
  ["interactions' attributes", interactions((i) => void (i.attributes = {}))],
  ["interactions' preferred agent", interactions((i) => void (i.preferredAgentId = null))],
  ["interactions' sticky window", interactions((i) => void (i.stickyUntil = 0))],
  ["interactions' agent", interactions((i) => void (i.agentId = null))],
  ["interactions' decision candidates", interactions((i) => void (i.candidateAgentIds = []))],
  ["interactions' decision round", interactions((i) => void (i.decisionRound = 0))],
  ['offers', (s) => void (s.engine.offers = [])],
  ['offer order', (s) => void s.engine.offers.reverse()],
  ['timers', (s) => void (s.engine.timers.entries = [])],
  ['the order of timers due at the same time', (s) => s.engine.timers.entries.forEach((t) => (t.seq = -t.seq))],
  ['the timer order counter', (s) => void (s.engine.timers.nextSeq = 0)],
  ['catalog agents', (s) => void (s.catalog.agents = [])],
  ['catalog queue revisions', (s) => s.catalog.queues.forEach((q) => (q.revision = 1))],
  ['login sessions', (s) => void (s.catalog.sessions = [])],
  ["interactions' contract records", (s) => void (s.catalog.interactions = [])],
  ['wrap-up codes', (s) => void (s.catalog.wrapUpCodes = [])],
  ['not-ready reasons', (s) => void (s.catalog.notReadyReasons = s.catalog.notReadyReasons.filter((r) => r.system))],
];

describe('routing state snapshot property', () => {
  it.each(lost)('notices a restore that loses %s', async (_, corrupt) => {
    const result = await fc.check(
      fc.asyncProperty(history, ([actions, cutAt]) =>
        expectRestoredToMatch(actions, cutAt, { corrupt, compareSnapshots: false }),
      ),
      { numRuns: 300, seed: 20261124, endOnFailure: true },
    );
    expect(result.failed).toBe(true);
  });
});
