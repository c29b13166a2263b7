// The events a web chat emits into the platform's event stream (ARCHITECTURE.md's envelope): the interaction
// created when a visitor starts a chat, and one `interaction.message_sent` per message — the transcript history
// stores. Ids are derived from the message id, so a retried message is one event.
import { deterministicUlid } from '@parley/kit';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { Interaction, InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { InteractionMessage, SenderKind } from '@parley/protos/parley/common/v1/message';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { decodeTime } from 'ulid';
import type { ChatParty } from './chat-entries.js';
import type { ChatRecord } from './chat-storage.js';

const senderKinds: Record<ChatParty, SenderKind> = {
  visitor: SenderKind.SENDER_KIND_CUSTOMER,
  agent: SenderKind.SENDER_KIND_AGENT,
  system: SenderKind.SENDER_KIND_SYSTEM,
};

/** The interaction a chat is, as routing and history know it: pre-chat answers are its attributes. */
export function chatInteraction(chat: ChatRecord, attributes: Record<string, string>): Interaction {
  return Interaction.fromPartial({
    id: chat.chatId,
    channel: Channel.CHANNEL_CHAT,
    direction: Direction.DIRECTION_INBOUND,
    siteId: chat.site,
    customer: { chatVisitorId: chat.visitorId, email: chat.email ?? '', displayName: chat.visitorName },
    attributes,
    queueId: chat.queueId,
    entryPoint: 'web-chat',
    state: InteractionState.INTERACTION_STATE_CREATED,
    timestamps: { createdAt: new Date(chat.startedAt) },
  });
}

export function chatCreated(chat: ChatRecord, interaction: Interaction, source: string): Envelope {
  const at = new Date(chat.startedAt);
  return Envelope.fromPartial({
    id: deterministicUlid(at.getTime(), `chat-created/${chat.chatId}`),
    type: 'interaction.created',
    site: chat.site,
    occurredAt: at,
    interactionId: chat.chatId,
    queueId: chat.queueId,
    source,
    correlationId: chat.chatId,
    interactionCreated: { interaction },
  });
}

export interface SentMessage {
  id: string;
  from: ChatParty;
  senderId: string;
  senderName: string;
  text: string;
  sentAt: Date;
}

export function messageSent(chat: ChatRecord, message: SentMessage, source: string): Envelope {
  return Envelope.fromPartial({
    id: deterministicUlid(decodeTime(message.id), `message-sent/${chat.chatId}/${message.id}`),
    type: 'interaction.message_sent',
    site: chat.site,
    occurredAt: message.sentAt,
    interactionId: chat.chatId,
    queueId: chat.queueId,
    agentId: message.from === 'agent' ? message.senderId : (chat.agentId ?? ''),
    source,
    correlationId: chat.chatId,
    interactionMessageSent: {
      message: InteractionMessage.fromPartial({
        id: message.id,
        senderKind: senderKinds[message.from],
        senderId: message.senderId,
        senderDisplayName: message.senderName,
        text: message.text,
        sentAt: message.sentAt,
      }),
    },
  });
}
