// The ACD engine: pure, deterministic, driven by operations that carry the current time. It keeps every waiting
// interaction and every available agent in sorted pools, so each routing decision is O(log n), and reports what
// happened as events (drainEvents) for the adapters to publish.
import { AgentRuntime } from './agent-runtime.js';
import {
  awaitsAgent,
  candidatesFor,
  DECISION_GRACE_MS,
  decidedEvent,
  decisionRequest,
  hookChoice,
  MAX_DECISION_CANDIDATES,
  type DecisionRequest,
  type DecisionResult,
  type FallbackReason,
  type HookFailure,
} from './decisions.js';
import { isOpen } from './business-hours.js';
import { illegal, notFound, RoutingErrorCode } from './errors.js';
import type { RoutingEvent } from './events.js';
import {
  defaultOfferTimeoutMs,
  type AgentProfile,
  type DecisionHook,
  type EnqueueRequest,
  type OverflowRule,
  type PresenceState,
  type QueueConfig,
} from './model.js';
import type { Pool } from './pool.js';
import { PoolRegistry } from './pool-registry.js';
import { reconcileAgents } from './reconciler.js';
import { TimerQueue, type Timer } from './timers.js';
import { servedBefore, type WaitingInteraction } from './waiting-interaction.js';
import { WaitingLines } from './waiting-lines.js';
import {
  agentFromSnapshot,
  agentToSnapshot,
  interactionFromSnapshot,
  interactionToSnapshot,
  type EngineState,
} from './engine-snapshot.js';
import type { AgentRequirement } from './skills-expression/index.js';

export interface Offer {
  id: string;
  interaction: WaitingInteraction;
  agent: AgentRuntime;
  expiresAt: number;
}

export interface RoutingEngineOptions {
  newId: () => string;
  /** How long an agent that declined an interaction is skipped for it (others get it first). */
  declineCooldownMs?: number;
}

export class RoutingEngine {
  readonly queues = new Map<string, QueueConfig>();
  readonly interactions = new Map<string, WaitingInteraction>();
  readonly offers = new Map<string, Offer>();
  private readonly registry = new PoolRegistry();
  private readonly lines = new WaitingLines();
  /** Bumped by every agent profile or presence change: views cache what they derive from agents until it moves. */
  agentsRevision = 0;
  private timers = new TimerQueue();
  private events: RoutingEvent[] = [];
  private decisionRequests: DecisionRequest[] = [];
  private readonly declineCooldownMs: number;

  constructor(private readonly options: RoutingEngineOptions) {
    this.declineCooldownMs = options.declineCooldownMs ?? 60_000;
  }

  get agents(): ReadonlyMap<string, AgentRuntime> {
    return this.registry.agents;
  }

  /** Events since the last call, oldest first. */
  drainEvents(): RoutingEvent[] {
    const drained = this.events;
    this.events = [];
    return drained;
  }

  /** Decision hooks to ask since the last call (decisions.ts), leaving out interactions no longer deciding. */
  drainDecisionRequests(): DecisionRequest[] {
    const drained = this.decisionRequests.filter((request) => {
      const interaction = this.interactions.get(request.interactionId);
      return interaction?.phase === 'deciding' && interaction.decisionRound === request.round;
    });
    this.decisionRequests = [];
    return drained;
  }

  // ---- configuration ----------------------------------------------------------------------------------------

  upsertQueue(config: QueueConfig, now: number): void {
    const existing = this.queues.has(config.id);
    this.queues.set(config.id, config);
    if (!existing) return;
    // Pools depend on the configuration: rebuild them and put every waiting interaction back in line.
    const waiting = [...this.interactions.values()].filter((i) => i.queue.id === config.id);
    for (const interaction of waiting) {
      interaction.queue = config;
      if (awaitsAgent(interaction)) this.removeFromLine(interaction);
    }
    this.registry.dropQueuePools(config.id);
    for (const interaction of waiting) if (awaitsAgent(interaction)) this.placeAndMatch(interaction, now);
    for (const agent of this.registry.agents.values()) this.registry.refreshAvailability(agent);
  }

  upsertAgent(profile: AgentProfile, now: number): AgentRuntime {
    this.agentsRevision++;
    let agent = this.registry.agents.get(profile.id);
    if (agent) agent.profile = profile;
    else agent = new AgentRuntime(profile, now);
    this.registry.putAgent(agent);
    this.matchAgent(agent, now);
    return agent;
  }

  setPresence(agentId: string, presence: PresenceState, reason: string, now: number): void {
    const agent = this.agent(agentId);
    this.agentsRevision++;
    agent.presence = presence;
    agent.presenceReason = reason;
    if (presence === 'available') agent.missedInRow = 0;
    if (presence === 'offline') {
      // Nobody will answer: offers still ringing for this agent go back to the line at once.
      for (const interaction of this.workOf(agentId).filter((i) => i.phase === 'offered')) {
        this.rescind(interaction, 'agent logged out', now);
        this.placeAndMatch(interaction, now);
      }
    }
    this.afterAgentChange(agent, now, reason);
  }

  /** Forgets a deleted queue's configuration and pools (the caller checked nothing waits in it). */
  removeQueue(queueId: string): void {
    this.registry.dropQueuePools(queueId);
    this.lines.dropQueue(queueId);
    this.queues.delete(queueId);
  }

  // ---- snapshots --------------------------------------------------------------------------------------------

  /** The whole state as plain data (engine-snapshot.ts); call with no events pending. */
  exportState(): EngineState {
    return {
      agents: [...this.registry.agents.values()].map(agentToSnapshot),
      interactions: [...this.interactions.values()].map((interaction) =>
        interactionToSnapshot(interaction, this.lines.placementOf(interaction)),
      ),
      offers: [...this.offers.values()].map((offer) => ({
        id: offer.id,
        interactionId: offer.interaction.id,
        agentId: offer.agent.id,
        expiresAt: offer.expiresAt,
      })),
      timers: this.timers.exportState(),
    };
  }

  /**
   * Rebuilds an engine from exportState(), map orders included (iteration order decides who is offered first).
   * `queues` are the live configurations in their original order, rebuilt by the caller.
   */
  static fromState(state: EngineState, options: RoutingEngineOptions, queues: readonly QueueConfig[]): RoutingEngine {
    const engine = new RoutingEngine(options);
    for (const queue of queues) engine.queues.set(queue.id, queue);
    for (const agent of state.agents) engine.registry.putAgent(agentFromSnapshot(agent));
    for (const snapshot of state.interactions) {
      const queue = engine.queues.get(snapshot.queueId);
      if (!queue) throw new Error(`snapshot: interaction "${snapshot.id}" is in unknown queue "${snapshot.queueId}"`);
      const interaction = interactionFromSnapshot(snapshot, queue);
      engine.interactions.set(interaction.id, interaction);
      if (snapshot.placement === 'pool') {
        const requirement = engine.requirementAt(interaction, interaction.step);
        const pool = engine.registry.poolFor(queue, interaction.channel, interaction.step, requirement);
        engine.lines.putInPool(interaction, pool);
      } else if (snapshot.placement === 'sticky') {
        engine.lines.putInStickyLine(interaction, interaction.preferredAgentId as string);
      } else if (interaction.phase === 'deciding') {
        engine.lines.putDeciding(interaction);
      }
    }
    for (const offer of state.offers) {
      const interaction = engine.interactions.get(offer.interactionId);
      const agent = engine.registry.agents.get(offer.agentId);
      if (!interaction || !agent) throw new Error(`snapshot: offer "${offer.id}" refers to unknown records`);
      engine.offers.set(offer.id, { id: offer.id, interaction, agent, expiresAt: offer.expiresAt });
      engine.lines.hold(interaction, agent); // offers first: an agent's offers stay in the order they were made
    }
    for (const interaction of engine.interactions.values()) {
      const agent = interaction.phase === 'offered' ? undefined : engine.registry.agents.get(interaction.agentId ?? '');
      if (agent) engine.lines.hold(interaction, agent);
    }
    engine.timers = TimerQueue.fromState(state.timers);
    return engine;
  }

  // ---- interactions ---------------------------------------------------------------------------------------

  /** Idempotent for a given interaction id (retries over NATS are safe). */
  enqueue(request: EnqueueRequest, now: number): WaitingInteraction {
    const existing = this.interactions.get(request.interactionId);
    if (existing) return existing;
    const queue = this.queues.get(request.queueId);
    if (!queue) throw notFound(RoutingErrorCode.QUEUE_NOT_FOUND, 'queue', request.queueId);
    if (!queue.channels.includes(request.channel)) {
      throw illegal(`queue "${queue.id}" does not serve ${request.channel}`, {
        queueId: queue.id,
        channel: request.channel,
      });
    }
    const enqueuedAt = request.enqueuedAt ?? now;
    const interaction: WaitingInteraction = {
      id: request.interactionId,
      queue,
      channel: request.channel,
      priority: request.priority,
      attributes: request.attributes,
      enqueuedAt,
      phase: 'waiting',
      step: 0,
      pool: undefined,
      preferredAgentId: request.preferredAgentId,
      stickyUntil: request.preferredAgentId && queue.stickyWindowMs > 0 ? enqueuedAt + queue.stickyWindowMs : 0,
      declinedBy: new Set(),
      agentId: undefined,
      offerId: undefined,
      candidateAgentIds: [],
      decisionRound: 0,
    };
    this.interactions.set(interaction.id, interaction);
    this.emit({
      type: 'interaction.queued',
      at: now,
      interactionId: interaction.id,
      queueId: queue.id,
      channel: interaction.channel,
      priority: interaction.priority,
    });
    const closedRule = queue.businessHours && !isOpen(queue.businessHours, now) && queue.businessHours.whenClosed;
    if (closedRule) {
      this.overflow(interaction, 'closed', closedRule, now);
      return interaction;
    }
    this.scheduleMaxWait(interaction, enqueuedAt);
    this.placeAndMatch(interaction, now);
    return interaction;
  }

  /** The customer left (hung up, closed the chat) while waiting or being offered. */
  cancel(interactionId: string, now: number): void {
    const interaction = this.interaction(interactionId);
    if (!awaitsAgent(interaction) && interaction.phase !== 'offered') {
      throw illegal(`interaction "${interactionId}" is ${interaction.phase}; end it instead of cancelling`, {
        interactionId,
      });
    }
    const whileOffered = interaction.phase === 'offered';
    if (whileOffered) this.rescind(interaction, 'customer left', now);
    else this.removeFromLine(interaction);
    this.interactions.delete(interactionId);
    this.emit({
      type: 'interaction.abandoned',
      at: now,
      interactionId,
      queueId: interaction.queue.id,
      waitMs: now - interaction.enqueuedAt,
      whileOffered,
    });
  }

  accept(offerId: string, now: number): WaitingInteraction {
    const offer = this.offer(offerId);
    const { interaction, agent } = offer;
    this.offers.delete(offerId);
    interaction.phase = 'connected';
    interaction.offerId = undefined;
    agent.reserved[interaction.channel]--;
    agent.active[interaction.channel]++;
    agent.missedInRow = 0;
    this.emit({ type: 'offer.accepted', at: now, offerId, interactionId: interaction.id, agentId: agent.id });
    this.emit({
      type: 'interaction.connected',
      at: now,
      interactionId: interaction.id,
      agentId: agent.id,
      queueId: interaction.queue.id,
      waitMs: now - interaction.enqueuedAt,
    });
    this.afterAgentChange(agent, now, 'accepted');
    return interaction;
  }

  /** The agent declined; the interaction goes back to its original place in line. */
  reject(offerId: string, now: number): void {
    this.declineOffer(this.offer(offerId), 'offer.rejected', now);
  }

  /** Connected → wrap-up: the agent keeps the capacity until wrap-up completes (or times out). */
  end(interactionId: string, now: number): void {
    const interaction = this.interaction(interactionId);
    if (interaction.phase !== 'connected') {
      throw illegal(`interaction "${interactionId}" is ${interaction.phase}, not connected`, { interactionId });
    }
    const agent = this.agent(interaction.agentId as string);
    agent.active[interaction.channel]--;
    if (interaction.queue.wrapUpMs <= 0) {
      // No wrap-up for this queue: the interaction is done and the capacity free in one step.
      this.lines.unhold(interaction);
      this.interactions.delete(interactionId);
      this.emit({ type: 'interaction.completed', at: now, interactionId, agentId: agent.id });
      this.afterAgentChange(agent, now, 'completed');
      return;
    }
    interaction.phase = 'wrap_up';
    agent.wrapping[interaction.channel]++;
    this.emit({ type: 'interaction.wrap_up_started', at: now, interactionId, agentId: agent.id });
    this.timers.schedule(now + interaction.queue.wrapUpMs, { kind: 'wrap_up', id: interactionId, token: 0 });
    this.afterAgentChange(agent, now, 'wrap-up');
  }

  /** `outcome`: the agent's disposition code, or that the queue's wrap-up time ran out. */
  completeWrapUp(
    interactionId: string,
    now: number,
    outcome: { wrapUpCodeId?: string; timedOut?: boolean } = {},
  ): void {
    const interaction = this.interaction(interactionId);
    if (interaction.phase !== 'wrap_up')
      throw illegal(`interaction "${interactionId}" is ${interaction.phase}, not in wrap-up`, { interactionId });
    const agent = this.agent(interaction.agentId as string);
    agent.wrapping[interaction.channel]--;
    this.lines.unhold(interaction);
    this.interactions.delete(interactionId);
    this.emit({
      type: 'interaction.completed',
      at: now,
      interactionId,
      agentId: agent.id,
      ...(outcome.wrapUpCodeId ? { wrapUpCodeId: outcome.wrapUpCodeId } : {}),
      ...(outcome.timedOut ? { wrapUpTimedOut: true } : {}),
    });
    this.afterAgentChange(agent, now, 'wrap-up completed');
  }

  /** A waiting call becomes a callback request: same queue, same place in line. */
  convertToCallback(interactionId: string, now: number): void {
    const interaction = this.interaction(interactionId);
    if (!awaitsAgent(interaction))
      throw illegal(`interaction "${interactionId}" is ${interaction.phase}, not waiting`, { interactionId });
    if (!interaction.queue.channels.includes('callback'))
      throw illegal(`queue "${interaction.queue.id}" does not take callbacks`, { queueId: interaction.queue.id });
    this.removeFromLine(interaction);
    interaction.channel = 'callback';
    this.emit({ type: 'interaction.callback_requested', at: now, interactionId, queueId: interaction.queue.id });
    this.placeAndMatch(interaction, now);
  }

  /** To another queue, keeping the customer's place in time; the agent (if any) is released. */
  transferToQueue(interactionId: string, queueId: string, priorityBoost: number, now: number): void {
    const interaction = this.interaction(interactionId);
    const target = this.queues.get(queueId);
    if (!target) throw notFound(RoutingErrorCode.QUEUE_NOT_FOUND, 'queue', queueId);
    if (!target.channels.includes(interaction.channel)) {
      throw illegal(`queue "${queueId}" does not serve ${interaction.channel}`, { queueId });
    }
    const from = interaction.queue.id;
    this.releaseForTransfer(interaction, now);
    interaction.queue = target;
    interaction.priority += priorityBoost;
    this.emit({ type: 'interaction.transferred', at: now, interactionId, fromQueueId: from, toQueueId: queueId });
    this.scheduleMaxWait(interaction, now); // the target's max wait counts from the transfer
    this.placeAndMatch(interaction, now);
  }

  /**
   * To one agent: the interaction waits for that agent only (rung as soon as it can take it). If the agent declines
   * or misses it, it falls back to its queue, keeping its place in line.
   */
  transferToAgent(interactionId: string, agentId: string, now: number): void {
    const interaction = this.interaction(interactionId);
    const target = this.agent(agentId);
    if ((target.profile.capacity[interaction.channel] ?? 0) <= 0) {
      throw illegal(`agent "${agentId}" takes no ${interaction.channel}`, { agentId, channel: interaction.channel });
    }
    if (interaction.agentId === agentId && interaction.phase !== 'waiting') {
      throw illegal(`interaction "${interactionId}" is already with agent "${agentId}"`, { interactionId, agentId });
    }
    this.releaseForTransfer(interaction, now);
    interaction.preferredAgentId = agentId;
    interaction.stickyUntil = Number.POSITIVE_INFINITY;
    this.emit({
      type: 'interaction.transferred',
      at: now,
      interactionId,
      fromQueueId: interaction.queue.id,
      toQueueId: interaction.queue.id,
    });
    this.placeAndMatch(interaction, now);
  }

  /** Takes the interaction away from wherever it is (line, offer, agent) before it moves on. */
  private releaseForTransfer(interaction: WaitingInteraction, now: number): void {
    if (interaction.phase === 'offered') this.rescind(interaction, 'transferred', now);
    else if (awaitsAgent(interaction)) this.removeFromLine(interaction);
    else {
      const agent = this.agent(interaction.agentId as string);
      if (interaction.phase === 'connected') agent.active[interaction.channel]--;
      else agent.wrapping[interaction.channel]--;
      this.afterAgentChange(agent, now, 'transferred');
    }
    interaction.phase = 'waiting';
    this.lines.unhold(interaction);
    interaction.agentId = undefined;
    interaction.declinedBy.clear();
    interaction.preferredAgentId = undefined;
    interaction.stickyUntil = 0;
  }

  /**
   * Self-repair: fixes agents whose held work disagrees with the engine's offers and interactions, reports each
   * fix as a routing.reconciled event, and gives repaired agents work if they can take some. Returns the count.
   */
  reconcile(now: number): number {
    const repairs = reconcileAgents(this.registry.agents.values(), this.offers.values(), this.interactions.values());
    const touched = new Set<string>();
    for (const repair of repairs) {
      this.emit({
        type: 'routing.reconciled',
        at: now,
        agentId: repair.agentId,
        kind: repair.kind,
        detail: repair.detail,
      });
      touched.add(repair.agentId);
    }
    for (const agentId of touched) this.afterAgentChange(this.agent(agentId), now, 'reconciled');
    return repairs.length;
  }

  /**
   * A decision hook's answer for an interaction in 'deciding' (an empty order: the hook failed or has no preference).
   * Offers it to the first agent of the order who was a candidate and can still take it, else lets the built-in
   * strategy place it. An answer for an interaction no longer deciding, or to an earlier round, changes nothing.
   */
  decide(
    interactionId: string,
    orderedAgentIds: readonly string[],
    now: number,
    answer: { round?: number; failure?: HookFailure | undefined } = {},
  ): DecisionResult {
    const interaction = this.interactions.get(interactionId);
    if (interaction?.phase !== 'deciding') return { outcome: 'ignored' };
    if (answer.round !== undefined && answer.round !== interaction.decisionRound) return { outcome: 'ignored' };
    const pool = this.poolAt(interaction, now);
    const chosen = hookChoice(orderedAgentIds, interaction.candidateAgentIds, (agentId) => {
      const agent = this.registry.agents.get(agentId);
      return (
        !!agent &&
        pool.available.has(agentId) &&
        agent.canTake(interaction.channel) &&
        !interaction.declinedBy.has(agentId)
      );
    });
    const agent = chosen === undefined ? undefined : this.registry.agents.get(chosen);
    if (!agent) {
      const reason = answer.failure ?? (orderedAgentIds.length === 0 ? 'no_preference' : 'no_usable_candidate');
      return this.fallBack(interaction, reason, orderedAgentIds, now);
    }
    const candidates = interaction.candidateAgentIds;
    interaction.candidateAgentIds = [];
    interaction.step = pool.step;
    this.makeOffer(interaction, agent, now);
    this.emit(decidedEvent(interaction, candidates, orderedAgentIds, undefined, now));
    return { outcome: 'hook', agentId: agent.id };
  }

  /** Runs every timer due at or before `now`, in time order. */
  advance(now: number): void {
    for (let due = this.timers.popDue(now); due; due = this.timers.popDue(now)) this.fire(due.timer, due.at);
  }

  nextTimerAt(): number | undefined {
    return this.timers.nextDue();
  }

  /** Interactions awaiting an agent in a queue, in the order they will be served. */
  waitingInQueue(queueId: string): WaitingInteraction[] {
    return this.lines.inQueue(queueId);
  }

  /** What the agent holds (offered, connected, in wrap-up), in the order it got them. */
  workOf(agentId: string): WaitingInteraction[] {
    return this.lines.workOf(agentId);
  }

  /** Its place among those awaiting an agent in its queue (1 = next; 0 once offered or with an agent): O(log n). */
  placeInQueue(interaction: WaitingInteraction): { position: number; waiting: number } {
    return this.lines.placeInQueue(interaction);
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private fire(timer: Timer, at: number): void {
    const interaction = timer.kind === 'offer' ? undefined : this.interactions.get(timer.id);
    switch (timer.kind) {
      case 'offer': {
        const offer = this.offers.get(timer.id);
        if (offer) this.declineOffer(offer, 'offer.timed_out', at);
        return;
      }
      case 'declined':
        // The cool-down is over: the agent may be offered this interaction again.
        interaction?.declinedBy.delete(String(timer.token));
        if (interaction?.phase === 'waiting') {
          this.removeFromLine(interaction);
          this.placeAndMatch(interaction, at);
        }
        return;
      case 'step':
      case 'sticky':
        if (interaction?.phase === 'waiting') {
          this.removeFromLine(interaction);
          this.placeAndMatch(interaction, at);
        }
        return;
      case 'max_wait': {
        // Token: the queue whose max wait this is (0 in older snapshots). A callback request is not on hold.
        const sameQueue = timer.token === 0 || timer.token === interaction?.queue.id;
        if (interaction && awaitsAgent(interaction) && sameQueue && interaction.channel !== 'callback') {
          const { maxWaitAction, maxWaitTargetQueueId } = interaction.queue;
          this.overflow(interaction, 'max_wait', { action: maxWaitAction, targetQueueId: maxWaitTargetQueueId }, at);
        }
        return;
      }
      case 'wrap_up':
        if (interaction?.phase === 'wrap_up') this.completeWrapUp(interaction.id, at, { timedOut: true });
        return;
      case 'decision':
        // No answer was recorded in time (the adapter reports its own timeout first): stop waiting for one.
        if (interaction?.phase === 'deciding' && interaction.decisionRound === timer.token)
          this.fallBack(interaction, 'deadline', [], at);
        return;
    }
  }

  /**
   * Puts a waiting interaction where it belongs at `now` (sticky agent or pool of its current step), then tries to
   * match it; with two or more agents able to take it, the queue's decision hook (if any, and `consultHook`) chooses.
   */
  private placeAndMatch(interaction: WaitingInteraction, now: number, consultHook = true): void {
    interaction.phase = 'waiting';
    interaction.candidateAgentIds = [];
    const preferred = interaction.preferredAgentId ? this.registry.agents.get(interaction.preferredAgentId) : undefined;
    if (preferred && interaction.declinedBy.has(preferred.id)) {
      // The customer's (or the transferring agent's) choice declined it: the queue takes over from here.
      interaction.preferredAgentId = undefined;
      interaction.stickyUntil = 0;
    } else if (preferred && now < interaction.stickyUntil) {
      if (preferred.canTake(interaction.channel)) {
        this.makeOffer(interaction, preferred, now);
        return;
      }
      this.lines.putInStickyLine(interaction, preferred.id);
      if (Number.isFinite(interaction.stickyUntil)) {
        this.timers.schedule(interaction.stickyUntil, { kind: 'sticky', id: interaction.id, token: 0 });
      }
      return;
    }
    const steps = interaction.queue.steps;
    const waited = now - interaction.enqueuedAt;
    let step = 0;
    while (step < steps.length && (steps[step] as { afterMs: number }).afterMs <= waited) step++;
    interaction.step = step;
    const requirement = this.requirementAt(interaction, step);
    const pool = this.registry.poolFor(interaction.queue, interaction.channel, step, requirement);
    const next = steps[step];
    if (next)
      this.timers.schedule(interaction.enqueuedAt + next.afterMs, {
        kind: 'step',
        id: interaction.id,
        token: step + 1,
      });
    const hook = consultHook ? interaction.queue.decisionHook : undefined;
    const candidates = candidatesFor(pool, interaction, hook ? MAX_DECISION_CANDIDATES : 1);
    if (hook && candidates.length >= 2) {
      this.startDeciding(interaction, hook, candidates, now);
      return;
    }
    const agent = candidates[0];
    if (agent) {
      this.makeOffer(interaction, agent, now);
      return;
    }
    this.lines.putInPool(interaction, pool);
  }

  private scheduleMaxWait(interaction: WaitingInteraction, from: number): void {
    const { maxWaitMs, id: queueId } = interaction.queue;
    if (maxWaitMs > 0) this.timers.schedule(from + maxWaitMs, { kind: 'max_wait', id: interaction.id, token: queueId });
  }

  /**
   * Applies an overflow rule to a waiting interaction (reported first). A call becomes a callback in the same
   * queue; a transfer moves it to the target queue; otherwise — voicemail, disconnect, or a rule that cannot apply
   * (no callbacks for chats, an unknown target) — it leaves routing and its holder acts on the event.
   */
  private overflow(interaction: WaitingInteraction, reason: 'max_wait' | 'closed', rule: OverflowRule, now: number) {
    this.emit({
      type: 'interaction.overflowed',
      at: now,
      interactionId: interaction.id,
      queueId: interaction.queue.id,
      reason,
      action: rule.action,
      targetQueueId: rule.targetQueueId,
      waitMs: now - interaction.enqueuedAt,
    });
    const target = rule.action === 'transfer' ? this.queues.get(rule.targetQueueId ?? '') : undefined;
    if (
      rule.action === 'callback' &&
      interaction.channel === 'voice' &&
      interaction.queue.channels.includes('callback')
    )
      this.convertToCallback(interaction.id, now);
    else if (target && target.id !== interaction.queue.id && target.channels.includes(interaction.channel))
      this.transferToQueue(interaction.id, target.id, 0, now);
    else {
      this.removeFromLine(interaction);
      this.interactions.delete(interaction.id);
    }
  }

  /** Leaves the choice among the candidates to the queue's hook: decide() or the decision timer ends it. */
  private startDeciding(interaction: WaitingInteraction, hook: DecisionHook, candidates: AgentRuntime[], now: number) {
    interaction.phase = 'deciding';
    this.lines.putDeciding(interaction);
    interaction.candidateAgentIds = candidates.map((agent) => agent.id);
    interaction.decisionRound++;
    this.decisionRequests.push(decisionRequest(interaction, hook, candidates, now));
    this.timers.schedule(now + hook.timeoutMs + DECISION_GRACE_MS, {
      kind: 'decision',
      id: interaction.id,
      token: interaction.decisionRound,
    });
  }

  /** The built-in strategy places it as if the queue had no hook: offered at once, or in line. */
  private fallBack(
    interaction: WaitingInteraction,
    reason: FallbackReason,
    hookOrder: readonly string[],
    now: number,
  ): DecisionResult {
    const candidates = interaction.candidateAgentIds;
    this.placeAndMatch(interaction, now, false);
    this.emit(decidedEvent(interaction, candidates, hookOrder, reason, now));
    return { outcome: 'fallback', reason, agentId: interaction.phase === 'offered' ? interaction.agentId : undefined };
  }

  /** The pool the interaction belongs to at `now` (the widening step its wait has reached). */
  private poolAt(interaction: WaitingInteraction, now: number): Pool {
    const waited = now - interaction.enqueuedAt;
    const step = interaction.queue.steps.filter((s) => s.afterMs <= waited).length; // steps ascend by afterMs
    return this.registry.poolFor(interaction.queue, interaction.channel, step, this.requirementAt(interaction, step));
  }

  /** The skills requirement at a widening step: the latest step that names one wins; before any, the queue's. */
  private requirementAt(interaction: WaitingInteraction, step: number): AgentRequirement {
    let expression = interaction.queue.requirement;
    for (let i = 0; i < step; i++) expression = interaction.queue.steps[i]?.requirement ?? expression;
    return expression.specialise(interaction.attributes);
  }

  /** Offers the agent the best waiting interaction it may take, as long as it has room. */
  private matchAgent(agent: AgentRuntime, now: number): void {
    for (;;) {
      const best = this.bestFor(agent, now);
      if (!best) return;
      this.removeFromLine(best);
      this.makeOffer(best, agent, now);
    }
  }

  private bestFor(agent: AgentRuntime, now: number): WaitingInteraction | undefined {
    let best: WaitingInteraction | undefined;
    const consider = (candidate: WaitingInteraction | undefined) => {
      if (candidate && (!best || servedBefore(candidate, best, now))) best = candidate;
    };
    const stickyHead = this.lines.stickyHeadFor(agent);
    if (stickyHead) return stickyHead; // the customer asked for this agent: served before the general line
    for (const channel of ['voice', 'chat', 'email', 'callback'] as const) {
      if (!agent.canTake(channel)) continue;
      for (const pool of agent.pools[channel]) {
        if (pool.waiting.size === 0) continue;
        consider(pool.waiting.find((i) => !i.declinedBy.has(agent.id)));
      }
    }
    return best;
  }

  private makeOffer(interaction: WaitingInteraction, agent: AgentRuntime, now: number): void {
    const offerId = this.options.newId();
    const timeout = interaction.queue.offerTimeoutMs[interaction.channel] ?? defaultOfferTimeoutMs[interaction.channel];
    const offer: Offer = { id: offerId, interaction, agent, expiresAt: now + timeout };
    this.offers.set(offerId, offer);
    this.lines.remove(interaction); // in no line while offered (a pooled one was taken out by matchAgent)
    interaction.phase = 'offered';
    this.lines.hold(interaction, agent);
    interaction.offerId = offerId;
    agent.reserved[interaction.channel]++;
    agent.lastOfferAt = now;
    this.timers.schedule(offer.expiresAt, { kind: 'offer', id: offerId, token: 0 });
    this.emit({
      type: 'offer.created',
      at: now,
      offerId,
      interactionId: interaction.id,
      agentId: agent.id,
      queueId: interaction.queue.id,
      channel: interaction.channel,
      expiresAt: offer.expiresAt,
    });
    this.registry.refreshAvailability(agent);
    this.touchState(agent, now, 'offer');
  }

  private declineOffer(offer: Offer, type: 'offer.rejected' | 'offer.timed_out', now: number): void {
    const { interaction, agent } = offer;
    this.offers.delete(offer.id);
    agent.reserved[interaction.channel]--;
    agent.missedInRow++;
    this.emit({ type, at: now, offerId: offer.id, interactionId: interaction.id, agentId: agent.id });
    const threshold = agent.profile.missedOffersBeforePause;
    if (threshold > 0 && agent.missedInRow >= threshold && agent.presence === 'available') {
      agent.presence = 'not_ready';
      agent.presenceReason = 'missed';
    }
    interaction.declinedBy.add(agent.id);
    this.timers.schedule(now + this.declineCooldownMs, { kind: 'declined', id: interaction.id, token: agent.id });
    this.lines.unhold(interaction);
    interaction.agentId = undefined;
    interaction.offerId = undefined;
    this.placeAndMatch(interaction, now); // same enqueuedAt: the same place in line
    this.afterAgentChange(agent, now, type === 'offer.timed_out' ? 'missed' : 'rejected');
  }

  private rescind(interaction: WaitingInteraction, reason: string, now: number): void {
    const offer = this.offers.get(interaction.offerId as string);
    if (!offer) return;
    this.offers.delete(offer.id);
    offer.agent.reserved[interaction.channel]--;
    this.emit({
      type: 'offer.rescinded',
      at: now,
      offerId: offer.id,
      interactionId: interaction.id,
      agentId: offer.agent.id,
      reason,
    });
    interaction.offerId = undefined;
    this.lines.unhold(interaction);
    interaction.agentId = undefined;
    this.afterAgentChange(offer.agent, now, 'offer rescinded');
  }

  private removeFromLine(interaction: WaitingInteraction): void {
    this.lines.remove(interaction);
  }

  /** After any change to an agent's work or presence: re-sort it, report its state, give it work if it can take some. */
  private afterAgentChange(agent: AgentRuntime, now: number, reason: string): void {
    if (agent.isFree() && agent.state !== 'available' && agent.deriveState() === 'available') agent.idleSince = now;
    this.registry.refreshAvailability(agent);
    this.touchState(agent, now, reason);
    this.matchAgent(agent, now);
  }

  private touchState(agent: AgentRuntime, now: number, reason: string): void {
    const current = agent.deriveState();
    if (current === agent.state) return;
    this.emit({
      type: 'agent.state_changed',
      at: now,
      agentId: agent.id,
      previous: agent.state,
      current,
      reason: current === 'not_ready' ? agent.presenceReason || reason : reason,
      previousDurationMs: now - agent.stateSince,
    });
    agent.state = current;
    agent.stateSince = now;
  }

  private emit(event: RoutingEvent): void {
    this.events.push(event);
  }

  private agent(id: string): AgentRuntime {
    const agent = this.registry.agents.get(id);
    if (!agent) throw notFound(RoutingErrorCode.AGENT_NOT_FOUND, 'agent', id);
    return agent;
  }

  private interaction(id: string): WaitingInteraction {
    const interaction = this.interactions.get(id);
    if (!interaction) throw notFound(RoutingErrorCode.INTERACTION_NOT_FOUND, 'interaction', id);
    return interaction;
  }

  private offer(id: string): Offer {
    const offer = this.offers.get(id);
    if (!offer) throw notFound(RoutingErrorCode.OFFER_NOT_FOUND, 'offer', id);
    return offer;
  }
}
