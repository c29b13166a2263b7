// Work in an agent's hands: accepting or rejecting an offer, ending the conversation, completing wrap-up.
import type { ContractHandlers } from '@parley/kit';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { WaitingInteraction } from '../domain/waiting-interaction.js';
import { failedPrecondition, invalidArgument, notFound, permissionDenied, RpcErrorCode } from './errors.js';
import {
  advance,
  endedInteraction,
  endWith,
  requireInteraction,
  stamp,
  type HandlerContext,
} from './handler-context.js';
import { Violations } from './validate.js';
import { agentStatus, interactionView } from './views.js';

type WorkHandlers = Pick<
  ContractHandlers<typeof RoutingServiceService>,
  'acceptOffer' | 'rejectOffer' | 'endInteraction' | 'completeWrapUp'
>;

export function workHandlers(ctx: HandlerContext): WorkHandlers {
  const { engine, catalog } = ctx;
  const nowAdvanced = () => advance(ctx);
  const ended = (interaction: WaitingInteraction, state: InteractionState, now: number) =>
    endWith(ctx, interaction, state, now);

  return {
    async acceptOffer(request) {
      new Violations().id('offer_id', request.offerId).id('agent_id', request.agentId).throwIfAny();
      const now = nowAdvanced();
      const offer = engine.offers.get(request.offerId);
      if (!offer) throw notFound(RpcErrorCode.OFFER_NOT_FOUND, 'pending offer', request.offerId);
      if (offer.agent.id !== request.agentId)
        throw permissionDenied(
          RpcErrorCode.NOT_YOUR_OFFER,
          `offer "${request.offerId}" is not for "${request.agentId}"`,
        );
      const interaction = engine.accept(request.offerId, now);
      stamp(ctx, interaction.id, 'connectedAt', now);
      await ctx.commit();
      return { interaction: interactionView(catalog, interaction) };
    },

    async rejectOffer(request) {
      new Violations().id('offer_id', request.offerId).id('agent_id', request.agentId).throwIfAny();
      const now = nowAdvanced();
      const offer = engine.offers.get(request.offerId);
      if (!offer) throw notFound(RpcErrorCode.OFFER_NOT_FOUND, 'pending offer', request.offerId);
      if (offer.agent.id !== request.agentId)
        throw permissionDenied(
          RpcErrorCode.NOT_YOUR_OFFER,
          `offer "${request.offerId}" is not for "${request.agentId}"`,
        );
      engine.reject(request.offerId, now);
      await ctx.commit();
      return { agentStatus: agentStatus(engine, catalog, offer.agent) };
    },

    async endInteraction(request) {
      new Violations().id('interaction_id', request.interactionId).throwIfAny();
      const now = nowAdvanced();
      const done = endedInteraction(ctx, request.interactionId);
      if (done) return { interaction: done, wrapUpDeadline: undefined };
      const interaction = requireInteraction(ctx, request.interactionId);
      if (interaction.phase !== 'wrap_up') {
        engine.end(interaction.id, now);
        stamp(ctx, interaction.id, 'wrapUpStartedAt', now);
        await ctx.commit();
      }
      if (!engine.interactions.has(interaction.id))
        return { interaction: ended(interaction, InteractionState.INTERACTION_STATE_COMPLETED, now) };
      const startedAt = catalog.interactions.get(interaction.id)?.timestamps?.wrapUpStartedAt?.getTime() ?? now;
      return {
        interaction: interactionView(catalog, interaction),
        wrapUpDeadline: new Date(startedAt + interaction.queue.wrapUpMs),
      };
    },

    async completeWrapUp(request) {
      new Violations()
        .id('interaction_id', request.interactionId)
        .id('agent_id', request.agentId)
        .optionalId('wrap_up_code_id', request.wrapUpCodeId)
        .throwIfAny();
      const now = nowAdvanced();
      const done = endedInteraction(ctx, request.interactionId);
      const agent = engine.agents.get(request.agentId);
      if (done && agent) return { interaction: done, agentStatus: agentStatus(engine, catalog, agent) };
      const interaction = requireInteraction(ctx, request.interactionId);
      if (interaction.phase !== 'wrap_up')
        throw failedPrecondition(
          RpcErrorCode.NOT_IN_WRAP_UP,
          `interaction "${interaction.id}" is ${interaction.phase}`,
        );
      if (interaction.agentId !== request.agentId || !agent)
        throw permissionDenied(
          RpcErrorCode.NOT_YOUR_INTERACTION,
          `agent "${request.agentId}" is not wrapping up interaction "${interaction.id}"`,
        );
      const policy = catalog.queues.get(interaction.queue.id)?.wrapUp;
      if (request.wrapUpCodeId) {
        const code = catalog.wrapUpCodes.get(request.wrapUpCodeId);
        if (!code || !code.active)
          throw notFound(RpcErrorCode.WRAP_UP_CODE_NOT_FOUND, 'wrap-up code', request.wrapUpCodeId);
        const allowed = policy?.wrapUpCodeIds ?? [];
        if (allowed.length > 0 && !allowed.includes(code.id))
          throw invalidArgument(
            [
              {
                field: 'wrap_up_code_id',
                description: `"${code.id}" is not allowed in queue "${interaction.queue.id}"`,
              },
            ],
            RpcErrorCode.WRAP_UP_CODE_REQUIRED,
          );
      } else if (policy?.codeRequired) {
        throw invalidArgument(
          [{ field: 'wrap_up_code_id', description: `queue "${interaction.queue.id}" requires a wrap-up code` }],
          RpcErrorCode.WRAP_UP_CODE_REQUIRED,
        );
      }
      // Paused before the capacity is released, so no new offer slips in between. Only the explicit completion
      // applies the policy: the engine's wrap-up timeout leaves the agent available.
      if (policy && !policy.autoAvailable && agent.presence === 'available')
        engine.setPresence(agent.id, 'not_ready', 'after_call_work', now);
      engine.completeWrapUp(interaction.id, now, { wrapUpCodeId: request.wrapUpCodeId });
      const answer = ended(interaction, InteractionState.INTERACTION_STATE_COMPLETED, now);
      await ctx.commit();
      return { interaction: answer, agentStatus: agentStatus(engine, catalog, agent) };
    },
  };
}
