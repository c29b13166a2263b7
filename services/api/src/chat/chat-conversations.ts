// What can happen to a web chat, whichever replica the visitor's or the agent's socket is on: a visitor starts one
// (a record, the interaction.created event, routing's queue), either side posts messages (the transcript event for
// history, then the entry both sockets see), receipts and typing, the agent joins, and either side ends it (routing
// is told, so the interaction is abandoned while it waits or goes to wrap-up once connected).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Status, type EventPublisher, type RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { CancelReason, type RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { ulid } from 'ulid';
import type { ChatEntry, ChatParty, ChatState } from './chat-entries.js';
import { chatCreated, chatInteraction, messageSent } from './chat-events.js';
import type { ChatChannel } from './chat-channel.js';
import type { ChatRecord, ChatRecords } from './chat-storage.js';

export interface StartChat {
  site: string;
  queueId: string;
  name: string;
  email: string | undefined;
  /** Pre-chat questions and answers: the interaction's attributes. */
  answers: Record<string, string>;
}

export interface Sender {
  party: Exclude<ChatParty, 'system'>;
  id: string;
  name: string;
}

export class ChatConversations {
  constructor(
    private readonly records: ChatRecords,
    readonly channel: ChatChannel,
    private readonly routing: RpcClient<typeof RoutingServiceService>,
    private readonly events: EventPublisher,
    private readonly source = 'api',
  ) {}

  /** A new conversation in the queue; the key lets the visitor rejoin it (only its hash is kept). */
  async start(input: StartChat): Promise<{ chat: ChatRecord; key: string }> {
    const key = randomBytes(24).toString('base64url');
    const chat: ChatRecord = {
      chatId: ulid(),
      site: input.site,
      queueId: input.queueId,
      visitorId: `visitor-${ulid()}`,
      visitorName: input.name,
      email: input.email?.toLowerCase() ?? null,
      attributes: input.answers,
      keyHash: hashKey(key),
      state: 'waiting',
      agentId: null,
      agentName: null,
      startedAt: new Date().toISOString(),
    };
    await this.records.create(chat);
    const interaction = chatInteraction(chat, input.answers);
    await this.events.publish(chatCreated(chat, interaction, this.source));
    try {
      await this.routing.enqueueInteraction({ interaction });
    } catch (error) {
      // Routing refused it (no such queue, the queue takes no chats): the conversation never started.
      await this.records.update(chat.chatId, (record) => ({ ...record, state: 'ended' }));
      throw error;
    }
    await this.channel.publish(chat.site, chat.chatId, status('waiting'));
    return { chat, key };
  }

  /** The conversation, if `key` is the one handed out when it started. */
  async rejoin(chatId: string, key: string): Promise<ChatRecord | undefined> {
    const chat = await this.records.get(chatId);
    if (!chat) return undefined;
    const given = Buffer.from(hashKey(key), 'hex');
    const kept = Buffer.from(chat.keyHash, 'hex');
    return given.length === kept.length && timingSafeEqual(given, kept) ? chat : undefined;
  }

  get(chatId: string): Promise<ChatRecord | undefined> {
    return this.records.get(chatId);
  }

  /** A message: the transcript event first (history's copy), then the entry both sides see. */
  async post(chat: ChatRecord, sender: Sender, text: string, id: string): Promise<ChatEntry> {
    const sentAt = new Date();
    await this.events.publish(
      messageSent(
        chat,
        { id, from: sender.party, senderId: sender.id, senderName: sender.name, text, sentAt },
        this.source,
      ),
    );
    const entry: ChatEntry = {
      kind: 'message',
      id,
      from: sender.party,
      senderId: sender.id,
      senderName: sender.name,
      text,
      sentAt: sentAt.toISOString(),
    };
    await this.channel.publish(chat.site, chat.chatId, entry);
    return entry;
  }

  /** `by` has got (delivered) or seen (read) the message. */
  async receipt(chat: ChatRecord, messageId: string, status: 'delivered' | 'read', by: ChatParty): Promise<void> {
    await this.channel.publish(chat.site, chat.chatId, {
      kind: 'receipt',
      id: `${status}.${by}.${messageId}`,
      messageId,
      status,
      by,
      at: new Date().toISOString(),
    });
  }

  typing(chat: ChatRecord, from: ChatParty, on: boolean): Promise<void> {
    return this.channel.publish(chat.site, chat.chatId, { kind: 'typing', id: ulid(), from, on });
  }

  /** The agent accepted the chat's offer: the visitor is told who is there. */
  async agentJoined(chatId: string, agent: { id: string; name: string }): Promise<ChatRecord | undefined> {
    const chat = await this.records.update(chatId, (record) =>
      record.state === 'ended' ? record : { ...record, state: 'connected', agentId: agent.id, agentName: agent.name },
    );
    if (!chat || chat.state === 'ended') return chat;
    await this.channel.publish(chat.site, chatId, {
      ...status('connected', `connected.${agent.id}.${chatId}`),
      agentName: agent.name,
    });
    return chat;
  }

  /** The agent transferred the chat (routing has moved it): it waits for its next agent, and the visitor is told. */
  async transferred(chatId: string, fromAgentId: string): Promise<void> {
    const chat = await this.records.update(chatId, (record) =>
      record.state === 'connected' && record.agentId === fromAgentId
        ? { ...record, state: 'waiting', agentId: null, agentName: null }
        : record,
    );
    if (chat?.state === 'waiting') await this.channel.publish(chat.site, chatId, status('waiting'));
  }

  /** Either side closed the conversation; routing ends the interaction (abandoned while waiting, else wrap-up). */
  async end(chat: ChatRecord, by: ChatParty, actorId: string): Promise<void> {
    const actor = Actor.fromPartial({
      kind:
        by === 'visitor'
          ? ActorKind.ACTOR_KIND_CUSTOMER
          : by === 'agent'
            ? ActorKind.ACTOR_KIND_AGENT
            : ActorKind.ACTOR_KIND_SYSTEM,
      id: actorId,
    });
    const current = (await this.records.get(chat.chatId)) ?? chat;
    if (current.state === 'waiting') {
      const cancelled = await this.routing
        .cancelInteraction({ interactionId: chat.chatId, reason: CancelReason.CANCEL_REASON_CUSTOMER_LEFT, actor })
        .then(
          () => true,
          (error: unknown) => {
            // An agent took it a moment ago (the record says waiting a little longer than routing does).
            if ((error as { status?: number }).status === Status.FAILED_PRECONDITION) return false;
            throw error;
          },
        );
      if (!cancelled) await this.routing.endInteraction({ interactionId: chat.chatId, actor });
    } else if (current.state === 'connected') await this.routing.endInteraction({ interactionId: chat.chatId, actor });
    await this.records.update(chat.chatId, (record) => ({ ...record, state: 'ended' }));
    await this.channel.publish(chat.site, chat.chatId, status('ended', `ended.${chat.chatId}`));
  }
}

function status(state: ChatState, id = ulid()) {
  return { kind: 'status' as const, id, state, at: new Date().toISOString() };
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
