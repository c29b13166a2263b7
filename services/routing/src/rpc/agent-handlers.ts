// Agent RPCs: configuration (upsert, get, list, delete), session (login, logout), state, and the agent snapshot.
import type { ContractHandlers } from '@parley/kit';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentState, type AgentStateCount } from '@parley/protos/parley/common/v1/agent';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { AgentRuntime } from '../domain/agent-runtime.js';
import { failedPrecondition, invalidArgument, notFound, RpcErrorCode } from './errors.js';
import { requireSitesInPartition } from './partition-check.js';
import {
  byDisplayName,
  checkRevision,
  paginate,
  requireAgent,
  requireQueue,
  type HandlerContext,
} from './handler-context.js';
import { protoAgentState, toAgentProfile } from './mappers.js';
import { validateAgent, validatePaging, validateStateTarget, Violations } from './validate.js';
import { agentStatus, agentView, eligibleFor } from './views.js';

type AgentHandlers = Pick<
  ContractHandlers<typeof RoutingServiceService>,
  | 'upsertAgent'
  | 'getAgent'
  | 'listAgents'
  | 'deleteAgent'
  | 'loginAgent'
  | 'logoutAgent'
  | 'setAgentState'
  | 'getAgentSnapshot'
>;

function requireReason(ctx: HandlerContext, code: string) {
  const reason = ctx.catalog.notReadyReasons.get(code);
  if (!reason) throw notFound(RpcErrorCode.NOT_READY_REASON_NOT_FOUND, 'not-ready reason', code);
  return reason;
}

export function agentHandlers(ctx: HandlerContext): AgentHandlers {
  const { engine, catalog } = ctx;
  const status = (agent: AgentRuntime) => agentStatus(engine, catalog, agent);

  return {
    async upsertAgent(request) {
      validateAgent(request.agent).throwIfAny();
      const agent = request.agent!; // validateAgent rejects a missing agent
      if (catalog.sites.size > 0 && !catalog.sites.has(agent.siteId))
        throw notFound(RpcErrorCode.SITE_NOT_FOUND, 'site', agent.siteId);
      requireSitesInPartition(ctx, [{ field: 'agent.site_id', siteId: agent.siteId }]);
      checkRevision('agent', agent.id, request.expectedRevision, catalog.agents.get(agent.id));
      const profile = toAgentProfile(agent);
      const now = ctx.now();
      engine.upsertAgent(profile, now);
      const stored = catalog.putAgent(agent, now);
      await ctx.commit();
      return { agent: agentView(engine, catalog, stored) };
    },

    async getAgent(request) {
      new Violations().id('agent_id', request.agentId).throwIfAny();
      const { stored } = requireAgent(ctx, request.agentId);
      return { agent: agentView(engine, catalog, stored) };
    },

    async listAgents(request) {
      const v = new Violations().optionalId('site_id', request.siteId).optionalId('team_id', request.teamId);
      request.states.forEach((state, i) => v.knownEnum(`states[${i}]`, state, AgentState));
      validatePaging(request.paging, v);
      v.throwIfAny();
      const agents = [...catalog.agents.values()]
        .filter((agent) => !request.siteId || agent.siteId === request.siteId)
        .filter((agent) => !request.teamId || agent.teamIds.includes(request.teamId))
        .map((agent) => agentView(engine, catalog, agent))
        .filter((agent) => request.states.length === 0 || request.states.includes(agent.status?.state ?? 0))
        .sort(byDisplayName);
      const { page, pageInfo } = paginate(agents, request.paging);
      return { agents: page, pageInfo };
    },

    async deleteAgent(request) {
      new Violations().id('agent_id', request.agentId).throwIfAny();
      const { runtime } = requireAgent(ctx, request.agentId);
      if (runtime.presence !== 'offline')
        throw failedPrecondition(RpcErrorCode.AGENT_LOGGED_IN, `agent "${request.agentId}" is logged in`);
      // The engine keeps an offline runtime (it has no removal yet); without a catalog entry it is unreachable.
      catalog.agents.delete(request.agentId);
      catalog.sessions.delete(request.agentId);
      return {};
    },

    async loginAgent(request) {
      const v = new Violations().id('agent_id', request.agentId).id('session_id', request.sessionId);
      validateStateTarget('initial_state', request.initialState, v, true);
      if (request.initialReasonCode && request.initialState === AgentState.AGENT_STATE_AVAILABLE)
        v.add('initial_reason_code', 'only allowed with AGENT_STATE_NOT_READY');
      v.throwIfAny();
      const { runtime } = requireAgent(ctx, request.agentId);
      const session = catalog.sessions.get(request.agentId);
      if (runtime.presence !== 'offline' && session) {
        if (session.sessionId === request.sessionId) return { status: status(runtime) };
        if (!request.takeOver)
          throw failedPrecondition(
            RpcErrorCode.AGENT_ALREADY_LOGGED_IN,
            `agent "${request.agentId}" is logged in with another session; pass take_over to replace it`,
          );
      }
      const available = request.initialState === AgentState.AGENT_STATE_AVAILABLE;
      const reason = available ? '' : requireReason(ctx, request.initialReasonCode || 'login').code;
      catalog.sessions.set(request.agentId, { sessionId: request.sessionId, device: request.device });
      engine.setPresence(request.agentId, available ? 'available' : 'not_ready', reason, ctx.now());
      await ctx.commit();
      return { status: status(runtime) };
    },

    async logoutAgent(request) {
      new Violations().id('agent_id', request.agentId).throwIfAny();
      const { runtime } = requireAgent(ctx, request.agentId);
      if (runtime.presence === 'offline') return { status: status(runtime) };
      const holding = engine.workOf(runtime.id).some((i) => i.phase === 'connected' || i.phase === 'wrap_up');
      if (holding && !request.force)
        throw failedPrecondition(
          RpcErrorCode.AGENT_HAS_INTERACTIONS,
          `agent "${request.agentId}" holds connected interactions; end them or pass force`,
        );
      const now = ctx.now();
      // Going offline also rescinds the agent's ringing offers: they go back to their place in line.
      engine.setPresence(request.agentId, 'offline', 'logout', now);
      catalog.sessions.delete(request.agentId);
      await ctx.commit();
      return { status: status(runtime) };
    },

    async setAgentState(request) {
      const v = new Violations().id('agent_id', request.agentId);
      validateStateTarget('state', request.state, v, false);
      const supervisor = request.actor?.kind === ActorKind.ACTOR_KIND_SUPERVISOR;
      if (request.state === AgentState.AGENT_STATE_NOT_READY && !request.notReadyReasonCode && !supervisor)
        v.add('not_ready_reason_code', 'is required for AGENT_STATE_NOT_READY');
      v.throwIfAny();
      const { runtime } = requireAgent(ctx, request.agentId);
      if (runtime.presence === 'offline')
        throw failedPrecondition(RpcErrorCode.AGENT_NOT_LOGGED_IN, `agent "${request.agentId}" is not logged in`);
      let reason = '';
      if (request.state === AgentState.AGENT_STATE_NOT_READY) {
        const picked = requireReason(ctx, request.notReadyReasonCode || 'forced');
        if (picked.system && request.actor?.kind === ActorKind.ACTOR_KIND_AGENT)
          throw invalidArgument([
            { field: 'not_ready_reason_code', description: `"${picked.code}" is a system reason` },
          ]);
        reason = picked.code;
      }
      const presence = request.state === AgentState.AGENT_STATE_AVAILABLE ? 'available' : 'not_ready';
      engine.setPresence(request.agentId, presence, reason, ctx.now());
      await ctx.commit();
      // Presence applies at once to new offers; the visible state follows when the work in hand ends.
      return { status: status(runtime), pending: !runtime.isFree() };
    },

    async getAgentSnapshot(request) {
      const v = new Violations()
        .optionalId('site_id', request.siteId)
        .optionalId('team_id', request.teamId)
        .optionalId('queue_id', request.queueId);
      if (!request.siteId && !request.teamId && !request.queueId)
        v.add('site_id', 'at least one of site_id, team_id or queue_id is required');
      v.throwIfAny();
      const queue = request.queueId ? requireQueue(ctx, request.queueId).config : undefined;
      const now = ctx.now();
      const counts = new Map<AgentState, number>();
      const agents = [...catalog.agents.values()]
        .filter((agent) => !request.siteId || agent.siteId === request.siteId)
        .filter((agent) => !request.teamId || agent.teamIds.includes(request.teamId))
        .flatMap((agent) => {
          const runtime = engine.agents.get(agent.id);
          if (!runtime || (queue && !eligibleFor(runtime, queue))) return [];
          const state = protoAgentState(runtime.state);
          counts.set(state, (counts.get(state) ?? 0) + 1);
          return [
            {
              id: agent.id,
              displayName: agent.displayName,
              entry: {
                agentId: agent.id,
                displayName: agent.displayName,
                siteId: agent.siteId,
                status: status(runtime),
                timeInStateMs: Math.max(0, now - runtime.stateSince),
              },
            },
          ];
        })
        .sort(byDisplayName)
        .map((row) => row.entry);
      const byState: AgentStateCount[] = [...counts].map(([state, count]) => ({ state, count }));
      byState.sort((a, b) => a.state - b.state);
      return { agents, byState, takenAt: new Date(now) };
    },
  };
}
