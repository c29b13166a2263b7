// Interaction RPCs before an agent holds the work: enqueue, cancel, callback conversion, transfer, attributes,
// position.
import { ParleyError, Status, type ContractHandlers } from '@parley/kit';
import { Direction } from '@parley/protos/parley/common/v1/channel';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { CancelReason, type RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { awaitsAgent } from '../domain/decisions.js';
import type { WaitingInteraction } from '../domain/waiting-interaction.js';
import { failedPrecondition, invalidArgument, permissionDenied, RpcErrorCode, unimplemented } from './errors.js';
import {
  advance,
  endedInteraction,
  endWith,
  requireAgent,
  requireInteraction,
  requireQueue,
  type HandlerContext,
} from './handler-context.js';
import { domainChannel } from './mappers.js';
import { MAX_PRIORITY, validateAttributes, validatePhoneNumber, Violations } from './validate.js';
import { interactionView, queuePosition } from './views.js';

type InteractionHandlers = Pick<
  ContractHandlers<typeof RoutingServiceService>,
  | 'enqueueInteraction'
  | 'cancelInteraction'
  | 'convertToCallback'
  | 'transferInteraction'
  | 'updateInteractionAttributes'
  | 'getInteractionPosition'
>;

const cancelledState: Partial<Record<CancelReason, InteractionState>> = {
  [CancelReason.CANCEL_REASON_FLOW]: InteractionState.INTERACTION_STATE_COMPLETED,
  [CancelReason.CANCEL_REASON_FAILURE]: InteractionState.INTERACTION_STATE_FAILED,
};

export function interactionHandlers(ctx: HandlerContext): InteractionHandlers {
  const { engine, catalog } = ctx;
  const nowAdvanced = () => advance(ctx);
  const ended = (interaction: WaitingInteraction, state: InteractionState, now: number) =>
    endWith(ctx, interaction, state, now);

  return {
    async enqueueInteraction(request) {
      const v = new Violations();
      const interaction = request.interaction;
      if (!interaction) v.add('interaction', 'is required');
      else {
        v.id('interaction.id', interaction.id).id('interaction.site_id', interaction.siteId);
        v.id('interaction.queue_id', interaction.queueId).channel('interaction.channel', interaction.channel);
        v.intRange('interaction.priority', interaction.priority, 0, MAX_PRIORITY);
        validateAttributes('interaction.attributes', interaction.attributes, v);
      }
      v.throwIfAny();
      const input = interaction!; // checked above
      if (input.requiredSkills.length > 0)
        throw unimplemented(
          'per-interaction required_skills are not supported yet; express them in the queue skills expression',
          'interaction.required_skills',
        );
      const now = nowAdvanced();
      if (input.notBefore && input.notBefore.getTime() > now)
        throw unimplemented('deferred interactions (not_before) are not supported yet', 'interaction.not_before');
      const { config } = requireQueue(ctx, input.queueId);
      const channel = domainChannel(input.channel);
      const existing = engine.interactions.get(input.id);
      if (existing && existing.queue.id !== input.queueId)
        throw new ParleyError(
          RpcErrorCode.INTERACTION_IN_OTHER_QUEUE,
          `interaction "${input.id}" is in queue "${existing.queue.id}"; use TransferInteraction`,
          { status: Status.ALREADY_EXISTS, domain: 'routing', metadata: { queueId: existing.queue.id } },
        );
      if (!existing && endedInteraction(ctx, input.id))
        throw failedPrecondition(RpcErrorCode.INTERACTION_ENDED, `interaction "${input.id}" has ended`);
      if (!existing && !config.channels.includes(channel))
        throw invalidArgument(
          [{ field: 'interaction.channel', description: `queue "${config.id}" does not serve ${channel}` }],
          RpcErrorCode.CHANNEL_NOT_SERVED,
        );
      if (!existing) {
        catalog.putInteraction({
          ...input,
          direction: input.direction || Direction.DIRECTION_INBOUND,
          timestamps: { ...input.timestamps, queuedAt: new Date(now) },
        });
        catalog.prune((id) => engine.interactions.has(id), engine.interactions.size);
      }
      const live = engine.enqueue(
        {
          interactionId: input.id,
          queueId: input.queueId,
          channel,
          priority: input.priority,
          attributes: { ...input.attributes },
          preferredAgentId: input.attributes.last_agent_id || undefined,
        },
        now,
      );
      await ctx.commit();
      return { interaction: interactionView(catalog, live), position: queuePosition(engine, live) };
    },

    async cancelInteraction(request) {
      new Violations()
        .id('interaction_id', request.interactionId)
        .knownEnum('reason', request.reason, CancelReason)
        .throwIfAny();
      const now = nowAdvanced();
      const done = endedInteraction(ctx, request.interactionId);
      if (done) return { interaction: done };
      const interaction = requireInteraction(ctx, request.interactionId);
      engine.cancel(request.interactionId, now);
      const state = cancelledState[request.reason] ?? InteractionState.INTERACTION_STATE_ABANDONED;
      const answer = ended(interaction, state, now);
      await ctx.commit();
      return { interaction: answer };
    },

    async convertToCallback(request) {
      const v = new Violations().id('interaction_id', request.interactionId);
      validatePhoneNumber('phone_number', request.phoneNumber, v);
      v.throwIfAny();
      const now = nowAdvanced();
      if (request.notBefore && request.notBefore.getTime() > now)
        throw unimplemented('scheduled callbacks (not_before) are not supported yet', 'not_before');
      const interaction = requireInteraction(ctx, request.interactionId);
      if (!awaitsAgent(interaction) || interaction.channel !== 'voice')
        throw failedPrecondition(
          RpcErrorCode.NOT_WAITING,
          `interaction "${interaction.id}" is a ${interaction.phase} ${interaction.channel} interaction, not a queued call`,
        );
      engine.convertToCallback(interaction.id, now);
      if (request.phoneNumber)
        catalog.updateInteraction(interaction.id, (stored) => ({
          ...stored,
          customer: { ...(stored.customer ?? emptyCustomer()), phoneNumber: request.phoneNumber },
        }));
      await ctx.commit();
      return { interaction: interactionView(catalog, interaction), position: queuePosition(engine, interaction) };
    },

    async transferInteraction(request) {
      const v = new Violations()
        .id('interaction_id', request.interactionId)
        .optionalId('from_agent_id', request.fromAgentId)
        .intRange('priority_boost', request.priorityBoost, 0, MAX_PRIORITY);
      const target = request.target;
      if (target?.queueId !== undefined) v.id('target.queue_id', target.queueId);
      else if (target?.agentId !== undefined) v.id('target.agent_id', target.agentId);
      else if (target?.phoneNumber !== undefined)
        v.add('target.phone_number', 'transfers to external numbers are made by the SIP gateway');
      else v.add('target', 'a queue_id or agent_id target is required');
      v.throwIfAny();
      const now = nowAdvanced();
      const interaction = requireInteraction(ctx, request.interactionId);
      if (request.fromAgentId && (interaction.agentId !== request.fromAgentId || interaction.phase === 'waiting'))
        throw permissionDenied(
          RpcErrorCode.NOT_YOUR_INTERACTION,
          `agent "${request.fromAgentId}" is not connected to interaction "${interaction.id}"`,
        );
      if (target?.agentId !== undefined) {
        requireAgent(ctx, target.agentId);
        engine.transferToAgent(interaction.id, target.agentId, now);
        await ctx.commit();
        return {
          interaction: interactionView(catalog, interaction),
          position: queuePosition(engine, interaction),
        };
      }
      const queueId = target?.queueId ?? '';
      requireQueue(ctx, queueId);
      // The boost is capped so the resulting priority stays within 0–100.
      const boost = Math.max(0, Math.min(request.priorityBoost, MAX_PRIORITY - interaction.priority));
      engine.transferToQueue(interaction.id, queueId, boost, now);
      catalog.updateInteraction(interaction.id, (stored) => ({ ...stored, queueId }));
      await ctx.commit();
      return { interaction: interactionView(catalog, interaction), position: queuePosition(engine, interaction) };
    },

    async updateInteractionAttributes(request) {
      const v = new Violations().id('interaction_id', request.interactionId);
      validateAttributes('set', request.set, v);
      request.remove.forEach((key, i) => {
        if (key.length === 0) v.add(`remove[${i}]`, 'must not be empty');
      });
      v.throwIfAny();
      advance(ctx);
      if (endedInteraction(ctx, request.interactionId))
        throw failedPrecondition(RpcErrorCode.INTERACTION_ENDED, `interaction "${request.interactionId}" has ended`);
      const interaction = requireInteraction(ctx, request.interactionId);
      const attributes: Record<string, string> = { ...interaction.attributes, ...request.set };
      for (const key of request.remove) delete attributes[key];
      const requirement = interaction.queue.requirement;
      if (
        awaitsAgent(interaction) &&
        requirement.specialise(attributes).key !== requirement.specialise(interaction.attributes).key
      )
        throw unimplemented(
          'changing attributes that alter the skills requirement of a waiting interaction is not supported yet',
          'set',
        );
      interaction.attributes = attributes;
      await ctx.commit();
      return { interaction: interactionView(catalog, interaction) };
    },

    async getInteractionPosition(request) {
      new Violations().id('interaction_id', request.interactionId).throwIfAny();
      const interaction = requireInteraction(ctx, request.interactionId);
      return { interaction: interactionView(catalog, interaction), position: queuePosition(engine, interaction) };
    },
  };
}

function emptyCustomer() {
  return { customerId: '', phoneNumber: '', email: '', chatVisitorId: '', crmRef: '', displayName: '' };
}
