// The screen-pop for an offer: who the customer is (a chat's visitor from the chat record; anyone else from
// history's record of the interaction) and their recent contacts from history. History may be missing or slow:
// the offer has gone out already, and the screen-pop follows when (and if) it is known. Look-ups run a few at a
// time: a burst of offers (a backlog handed to idle agents) must not become a burst of requests that stalls the
// process while the offers themselves wait to be written.
import type { RpcClient } from '@parley/kit';
import pLimit from 'p-limit';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { CustomerIdentity, type Interaction } from '@parley/protos/parley/common/v1/interaction';
import type { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import type { ChatConversations } from '../chat/chat-conversations.js';
import type { AgentPush } from './agent-messages.js';

export type ScreenPopPush = Extract<AgentPush, { type: 'screen_pop' }>;

export class ScreenPop {
  private readonly limit = pLimit(16);

  constructor(
    private readonly chats: ChatConversations | undefined,
    private readonly history: RpcClient<typeof HistoryServiceService> | undefined,
    private readonly timeoutMs = 1_500,
  ) {}

  /** `offered`: the interaction as routing's offer carries it (who the caller is, what the IVR learnt). */
  contextFor(interactionId: string, offered?: Interaction): Promise<ScreenPopPush | undefined> {
    return this.limit(() => this.lookUp(interactionId, offered));
  }

  private async lookUp(interactionId: string, offered: Interaction | undefined): Promise<ScreenPopPush | undefined> {
    const known = await this.identityOf(interactionId, offered);
    if (!known) return undefined;
    const context = await this.history
      ?.getScreenPopContext({ identity: known.identity, interactionId, recentLimit: 5 }, { timeoutMs: this.timeoutMs })
      .catch(() => undefined);
    return {
      type: 'screen_pop',
      interactionId,
      customer: {
        id: context?.customer?.id ?? known.identity.customerId,
        name: context?.customer?.displayName || known.identity.displayName,
        phoneNumber: known.identity.phoneNumber || (context?.customer?.phoneNumbers[0] ?? ''),
        email: known.identity.email || (context?.customer?.emails[0] ?? ''),
      },
      attributes: known.attributes,
      recent: (context?.recent ?? []).map((summary) => ({
        interactionId: summary.interaction?.id ?? '',
        channel: (Channel[summary.interaction?.channel ?? 0] ?? '').replace('CHANNEL_', ''),
        createdAt: summary.interaction?.timestamps?.createdAt?.toISOString() ?? null,
        wrapUpCode: summary.wrapUpCodeId,
        agentIds: summary.agentIds,
      })),
      lastAgentId: context?.lastAgentId ?? '',
    };
  }

  private async identityOf(
    interactionId: string,
    offered: Interaction | undefined,
  ): Promise<{ identity: CustomerIdentity; attributes: Record<string, string> } | undefined> {
    const chat = await this.chats?.get(interactionId).catch(() => undefined);
    if (chat)
      return {
        identity: CustomerIdentity.fromPartial({
          chatVisitorId: chat.visitorId,
          email: chat.email ?? '',
          displayName: chat.visitorName,
        }),
        attributes: chat.attributes,
      };
    // The offer already says who is calling; history may not have stored the interaction yet.
    const identity = offered?.customer;
    if (identity && (identity.phoneNumber || identity.email || identity.customerId || identity.displayName))
      return { identity, attributes: offered.attributes };
    const record = await this.history
      ?.getInteraction({ interactionId }, { timeoutMs: this.timeoutMs })
      .catch(() => undefined);
    const interaction = record?.interaction?.summary?.interaction;
    if (!interaction?.customer) return undefined;
    return { identity: interaction.customer, attributes: interaction.attributes };
  }
}
