// Queue RPCs (configuration, skills expression check, live snapshot) and the small catalogs: wrap-up codes,
// not-ready reasons and sites.
import type { ContractHandlers } from '@parley/kit';
import type { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import type { Queue } from '@parley/protos/parley/common/v1/queue';
import { StatsWindow } from '@parley/protos/parley/common/v1/stats';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { compileSkillsExpression, SkillsExpressionError } from '../domain/skills-expression/index.js';
import { effectivePriority } from '../domain/waiting-interaction.js';
import { failedPrecondition, notFound, RpcErrorCode } from './errors.js';
import { requireSitesInPartition } from './partition-check.js';
import { describeExpression, offendingLength } from './expression-info.js';
import { byDisplayName, checkRevision, paginate, requireQueue, type HandlerContext } from './handler-context.js';
import { domainChannel, protoAgentState, toQueueConfig } from './mappers.js';
import { isIdentifier, validatePaging, validateQueue, Violations } from './validate.js';
import { eligibleFor, interactionView, queuePosition } from './views.js';

type QueueHandlers = Pick<
  ContractHandlers<typeof RoutingServiceService>,
  | 'upsertQueue'
  | 'getQueue'
  | 'listQueues'
  | 'deleteQueue'
  | 'validateSkillsExpression'
  | 'getQueueSnapshot'
  | 'upsertWrapUpCode'
  | 'listWrapUpCodes'
  | 'upsertNotReadyReason'
  | 'listNotReadyReasons'
  | 'listSites'
>;

const DEFAULT_MAX_WAITING = 100;

/** References to other records must resolve: sites (when routing knows any), the overflow queue, wrap-up codes. */
function checkReferences(ctx: HandlerContext, queue: Queue): void {
  const { catalog } = ctx;
  if (catalog.sites.size > 0)
    for (const site of queue.siteIds)
      if (!catalog.sites.has(site)) throw notFound(RpcErrorCode.SITE_NOT_FOUND, 'site', site);
  requireSitesInPartition(ctx, [
    ...queue.siteIds.map((siteId, i) => ({ field: `queue.site_ids[${i}]`, siteId })),
    ...queue.steps.flatMap((step, s) =>
      step.addSiteIds.map((siteId, i) => ({ field: `queue.steps[${s}].add_site_ids[${i}]`, siteId })),
    ),
  ]);
  for (const rule of [queue.maxWaitAction, queue.businessHours?.whenClosed]) {
    if (rule?.targetQueueId && rule.targetQueueId !== queue.id && !catalog.queues.has(rule.targetQueueId))
      throw notFound(RpcErrorCode.QUEUE_NOT_FOUND, 'queue', rule.targetQueueId);
  }
  for (const code of queue.wrapUp?.wrapUpCodeIds ?? [])
    if (!catalog.wrapUpCodes.has(code)) throw notFound(RpcErrorCode.WRAP_UP_CODE_NOT_FOUND, 'wrap-up code', code);
}

export function queueHandlers(ctx: HandlerContext): QueueHandlers {
  const { engine, catalog } = ctx;

  return {
    async upsertQueue(request) {
      validateQueue(request.queue).throwIfAny();
      const queue = request.queue!; // validateQueue rejects a missing queue
      checkReferences(ctx, queue);
      checkRevision('queue', queue.id, request.expectedRevision, catalog.queues.get(queue.id));
      const config = toQueueConfig(queue);
      const now = ctx.now();
      engine.upsertQueue(config, now);
      const stored = catalog.putQueue(queue, now);
      await ctx.commit();
      return { queue: stored };
    },

    async getQueue(request) {
      new Violations().id('queue_id', request.queueId).throwIfAny();
      return { queue: requireQueue(ctx, request.queueId).stored };
    },

    async listQueues(request) {
      const v = new Violations().optionalId('site_id', request.siteId);
      if (request.channel !== Channel.CHANNEL_UNSPECIFIED) v.channel('channel', request.channel);
      validatePaging(request.paging, v);
      v.throwIfAny();
      const channel = request.channel === Channel.CHANNEL_UNSPECIFIED ? undefined : domainChannel(request.channel);
      const queues = [...catalog.queues.values()]
        .filter((q) => !request.siteId || q.siteIds.length === 0 || q.siteIds.includes(request.siteId))
        .filter((q) => !channel || engine.queues.get(q.id)?.channels.includes(channel))
        .sort(byDisplayName);
      const { page, pageInfo } = paginate(queues, request.paging);
      return { queues: page, pageInfo };
    },

    async deleteQueue(request) {
      new Violations().id('queue_id', request.queueId).throwIfAny();
      requireQueue(ctx, request.queueId);
      const live = [...engine.interactions.values()].filter((i) => i.queue.id === request.queueId).length;
      if (live > 0)
        throw failedPrecondition(RpcErrorCode.QUEUE_NOT_EMPTY, `queue "${request.queueId}" holds ${live} interactions`);
      const overflowingHere = catalog.queuesOverflowingTo(request.queueId);
      if (overflowingHere.length > 0)
        throw failedPrecondition(
          RpcErrorCode.QUEUE_NOT_EMPTY,
          `queue "${request.queueId}" is the overflow target of ${overflowingHere.join(', ')}`,
        );
      engine.removeQueue(request.queueId);
      catalog.queues.delete(request.queueId);
      return {};
    },

    async validateSkillsExpression(request) {
      const expression = request.expression;
      try {
        compileSkillsExpression(expression);
      } catch (error) {
        if (!(error instanceof SkillsExpressionError)) throw error;
        const offset = error.position;
        return {
          valid: false,
          errors: [{ message: error.message, offset, length: offendingLength(expression, offset) }],
          referencedSkills: [],
          referencedAttributes: [],
          normalized: '',
        };
      }
      if (expression.trim() === '')
        return { valid: true, errors: [], referencedSkills: [], referencedAttributes: [], normalized: '' };
      const info = describeExpression(expression);
      return {
        valid: true,
        errors: [],
        referencedSkills: info.skills,
        referencedAttributes: info.attributes,
        normalized: info.normalized,
      };
    },

    async getQueueSnapshot(request) {
      new Violations()
        .id('queue_id', request.queueId)
        .intRange('max_waiting', request.maxWaiting, 0, 1_000)
        .throwIfAny();
      const { config } = requireQueue(ctx, request.queueId);
      const now = ctx.now();
      const order = engine.waitingInQueue(request.queueId);
      const limit = request.maxWaiting || DEFAULT_MAX_WAITING;
      const waiting = order.slice(0, limit).map((interaction) => ({
        interaction: interactionView(catalog, interaction),
        position: queuePosition(engine, interaction),
        effectivePriority: effectivePriority(interaction, now),
        waitMs: now - interaction.enqueuedAt,
      }));
      const byState = new Map<AgentState, number>();
      for (const agent of engine.agents.values()) {
        if (!catalog.agents.has(agent.id) || !eligibleFor(agent, config)) continue;
        const state = protoAgentState(agent.state);
        byState.set(state, (byState.get(state) ?? 0) + 1);
      }
      const longest = order.reduce((max, i) => Math.max(max, now - i.enqueuedAt), 0);
      return {
        // Counters over a window (service level, answered, abandoned) belong to the stats service's history.
        stats: {
          queueId: request.queueId,
          waiting: order.length,
          longestWaitMs: longest,
          serviceLevelPercent: 0,
          averageSpeedOfAnswerMs: 0,
          abandonRatePercent: 0,
          entered: 0,
          answered: 0,
          abandoned: 0,
          agentsByState: [...byState].map(([state, count]) => ({ state, count })).sort((a, b) => a.state - b.state),
          window: StatsWindow.STATS_WINDOW_UNSPECIFIED,
          computedAt: new Date(now),
        },
        waiting,
      };
    },

    async upsertWrapUpCode(request) {
      const v = new Violations();
      if (!request.wrapUpCode) v.add('wrap_up_code', 'is required');
      else v.id('wrap_up_code.id', request.wrapUpCode.id);
      v.throwIfAny();
      const code = { ...request.wrapUpCode! };
      catalog.wrapUpCodes.set(code.id, code);
      return { wrapUpCode: code };
    },

    async listWrapUpCodes(request) {
      new Violations().optionalId('queue_id', request.queueId).throwIfAny();
      const allowed = request.queueId ? requireQueue(ctx, request.queueId).stored.wrapUp?.wrapUpCodeIds : undefined;
      const wrapUpCodes = [...catalog.wrapUpCodes.values()]
        .filter((code) => request.includeInactive || code.active)
        .filter((code) => !allowed || allowed.length === 0 || allowed.includes(code.id))
        .sort(byDisplayName);
      return { wrapUpCodes };
    },

    async upsertNotReadyReason(request) {
      const v = new Violations();
      if (!request.reason) v.add('reason', 'is required');
      else if (!isIdentifier(request.reason.code) || request.reason.code !== request.reason.code.toLowerCase())
        v.add('reason.code', 'must be lower_snake_case, e.g. "lunch"');
      v.throwIfAny();
      const reason = { ...request.reason!, system: false };
      if (catalog.notReadyReasons.get(reason.code)?.system)
        throw failedPrecondition(RpcErrorCode.SYSTEM_REASON, `"${reason.code}" is a platform reason`);
      catalog.notReadyReasons.set(reason.code, reason);
      return { reason };
    },

    async listNotReadyReasons() {
      const reasons = [...catalog.notReadyReasons.values()].sort((a, b) => a.code.localeCompare(b.code));
      return { reasons };
    },

    async listSites() {
      return { sites: [...catalog.sites.values()].sort(byDisplayName) };
    },
  };
}
