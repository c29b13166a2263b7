// What every group of routing handlers shares: the engine, the clock, the commit seam, the catalog, and lookups
// that turn unknown ids into NOT_FOUND.
import type { Agent } from '@parley/protos/parley/common/v1/agent';
import {
  InteractionState,
  type Interaction,
  type InteractionTimestamps,
} from '@parley/protos/parley/common/v1/interaction';
import type { PageInfo, Paging } from '@parley/protos/parley/common/v1/paging';
import type { Queue } from '@parley/protos/parley/common/v1/queue';
import type { AgentRuntime } from '../domain/agent-runtime.js';
import type { RoutingEngine } from '../domain/engine.js';
import type { QueueConfig } from '../domain/model.js';
import type { WaitingInteraction } from '../domain/waiting-interaction.js';
import type { RoutingPartition } from '../partitions/index.js';
import type { RoutingCatalog } from './catalog.js';
import { notFound, revisionMismatch, RpcErrorCode } from './errors.js';
import { interactionView } from './views.js';

export interface RoutingHandlerDeps {
  engine: RoutingEngine;
  now: () => number;
  /** Publishes the engine's pending events; resolved means they are stored. */
  commit: () => Promise<void>;
  /** The routing partition this state belongs to: its agents and queues must be of the partition's sites. */
  partition?: RoutingPartition;
}

export interface HandlerContext extends RoutingHandlerDeps {
  catalog: RoutingCatalog;
}

export const DEFAULT_PAGE_SIZE = 100;

export function requireAgent(ctx: HandlerContext, agentId: string): { stored: Agent; runtime: AgentRuntime } {
  const stored = ctx.catalog.agents.get(agentId);
  const runtime = ctx.engine.agents.get(agentId);
  if (!stored || !runtime) throw notFound(RpcErrorCode.AGENT_NOT_FOUND, 'agent', agentId);
  return { stored, runtime };
}

export function requireQueue(ctx: HandlerContext, queueId: string): { stored: Queue; config: QueueConfig } {
  const stored = ctx.catalog.queues.get(queueId);
  const config = ctx.engine.queues.get(queueId);
  if (!stored || !config) throw notFound(RpcErrorCode.QUEUE_NOT_FOUND, 'queue', queueId);
  return { stored, config };
}

/** The live interaction, or NOT_FOUND. */
export function requireInteraction(ctx: HandlerContext, interactionId: string): WaitingInteraction {
  const interaction = ctx.engine.interactions.get(interactionId);
  if (!interaction) throw notFound(RpcErrorCode.INTERACTION_NOT_FOUND, 'interaction', interactionId);
  return interaction;
}

const terminalStates = new Set([
  InteractionState.INTERACTION_STATE_COMPLETED,
  InteractionState.INTERACTION_STATE_ABANDONED,
  InteractionState.INTERACTION_STATE_FAILED,
]);

/** The last answer about an interaction that has ended (for idempotent retries), if still remembered. */
export function endedInteraction(ctx: HandlerContext, interactionId: string): Interaction | undefined {
  if (ctx.engine.interactions.has(interactionId)) return undefined;
  const stored = ctx.catalog.interactions.get(interactionId);
  return stored && terminalStates.has(stored.state) ? stored : undefined;
}

/** Records a terminal answer so retries of the same call get it again. */
export function rememberEnded(ctx: HandlerContext, interaction: Interaction): Interaction {
  ctx.catalog.putInteraction(interaction);
  return interaction;
}

export function stamp(ctx: HandlerContext, interactionId: string, key: keyof InteractionTimestamps, now: number): void {
  ctx.catalog.updateInteraction(interactionId, (stored) => ({
    ...stored,
    timestamps: { ...stored.timestamps, [key]: new Date(now) },
  }));
}

export function checkRevision(what: string, id: string, expected: number, stored: { revision: number } | undefined) {
  const actual = stored?.revision ?? 0;
  if (expected !== 0 && expected !== actual) throw revisionMismatch(what, id, expected, actual);
}

/** Offset paging: the token is the index of the next item (validated by validatePaging). */
export function paginate<T>(items: readonly T[], paging: Paging | undefined): { page: T[]; pageInfo: PageInfo } {
  const size = paging?.pageSize || DEFAULT_PAGE_SIZE;
  const start = paging?.pageToken ? Number(paging.pageToken) : 0;
  const end = start + size;
  return {
    page: items.slice(start, end),
    pageInfo: { nextPageToken: end < items.length ? String(end) : '', totalSize: items.length },
  };
}

export function byDisplayName(a: { displayName: string; id: string }, b: { displayName: string; id: string }) {
  return a.displayName.localeCompare(b.displayName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Runs due timers first, so an offer that expired a moment ago cannot be accepted late; returns that time. */
export function advance(ctx: HandlerContext): number {
  const now = ctx.now();
  ctx.engine.advance(now);
  return now;
}

/** The terminal answer about an interaction that just ended, remembered for retries. */
export function endWith(ctx: HandlerContext, interaction: WaitingInteraction, state: InteractionState, now: number) {
  const view = interactionView(ctx.catalog, interaction, state);
  return rememberEnded(ctx, { ...view, timestamps: { ...view.timestamps, endedAt: new Date(now) } });
}
