// A chat visitor's socket: it joins with the chat's key (within 5 s), gets the transcript so far and then every
// entry live (the agent's messages, receipts, typing, status), and sends messages, typing, read receipts and
// leave. Messages are rate-limited per conversation and size-limited; a visitor who keeps flooding is disconnected.
// Leaving the page is not leaving the chat: the visitor may rejoin with the same key.
import type { Logger } from '@parley/kit';
import type { WebSocket } from 'ws';
import { jsonSocket } from '../http/json-socket.js';
import type { ChatConversations } from './chat-conversations.js';
import type { ChatEntry } from './chat-entries.js';
import type { ChatRecord } from './chat-storage.js';
import { followWithTranscript } from './follow-chat.js';
import { TokenBucket } from '../limits/token-bucket.js';
import { visitorMessage, type VisitorMessage, type VisitorServerMessage } from './visitor-messages.js';

export interface VisitorSocketDeps {
  chats: ChatConversations;
  logger: Logger;
  maxMessageChars: number;
  /** Messages a conversation may send at once, and then one per interval. */
  messageBurst: number;
  messageIntervalMs: number;
  onAudit?: (chat: ChatRecord, action: string) => void;
}

/** Close codes: a wrong key (4401) and a visitor who flooded (4429). */
export const VisitorCloseCode = { unauthenticated: 4401, flooding: 4429 } as const;

/** Rejected messages in a row after which the socket is closed. */
const FLOOD_LIMIT = 20;

export function serveVisitorSocket(socket: WebSocket, chatId: string, deps: VisitorSocketDeps): void {
  let chat: ChatRecord | undefined;
  let stopFollowing: (() => void) | undefined;
  let refused = 0;
  const rate = new TokenBucket(deps.messageBurst, deps.messageIntervalMs);
  const joinTimer = setTimeout(() => {
    if (!chat) socket.close(VisitorCloseCode.unauthenticated, 'join first');
  }, 5_000);
  socket.on('close', () => {
    clearTimeout(joinTimer);
    stopFollowing?.();
  });

  const io = jsonSocket<VisitorMessage, VisitorServerMessage>(
    socket,
    visitorMessage(deps.maxMessageChars),
    handle,
    (code, message) => ({
      type: 'error' as const,
      code,
      message,
    }),
  );
  const send = (message: VisitorServerMessage) => io.send(message);

  async function handle(message: VisitorMessage): Promise<void> {
    if (message.type === 'join') return join(message.key);
    if (!chat) return io.fail('unauthenticated', 'send {"type":"join","key":…} first');
    const current = chat;
    switch (message.type) {
      case 'message': {
        if (!rate.take()) {
          refused += 1;
          if (refused >= FLOOD_LIMIT) socket.close(VisitorCloseCode.flooding, 'too many messages');
          return io.fail('rate_limited', 'too many messages; wait a moment');
        }
        refused = 0;
        const latest = await deps.chats.get(current.chatId);
        if (!latest || latest.state === 'ended') return io.fail('chat_ended', 'this conversation has ended');
        await deps.chats.post(
          latest,
          { party: 'visitor', id: current.visitorId, name: current.visitorName },
          message.text,
          message.id,
        );
        return send({ type: 'sent', id: message.id });
      }
      case 'typing':
        return deps.chats.typing(current, 'visitor', message.on);
      case 'read':
        return deps.chats.receipt(current, message.messageId, 'read', 'visitor');
      case 'leave':
        await deps.chats.end(current, 'visitor', current.visitorId);
        deps.onAudit?.(current, 'chat.leave');
        return;
    }
  }

  async function join(key: string): Promise<void> {
    if (chat) return io.fail('already_joined', 'this socket has joined already');
    const found = await deps.chats.rejoin(chatId, key);
    if (!found) {
      socket.close(VisitorCloseCode.unauthenticated, 'no such chat, or a wrong key');
      return;
    }
    chat = found;
    clearTimeout(joinTimer);
    const joined = found;
    stopFollowing = await followWithTranscript(
      deps.chats.channel,
      joined,
      (transcript) => {
        // The transcript is newer than the record read before following: its last status wins.
        const status = transcript.findLast((entry) => entry.kind === 'status');
        send({
          type: 'joined',
          chatId: joined.chatId,
          state: status?.state ?? joined.state,
          agentName: status?.agentName ?? joined.agentName,
          transcript,
        });
      },
      (entry) => deliver(joined, entry),
      (error) => deps.logger.warn({ err: error, chatId }, 'unreadable chat entry'),
    );
    if (socket.readyState !== socket.OPEN) stopFollowing();
  }

  /** An entry for the visitor; the agent's messages are acknowledged as delivered once on the socket. */
  function deliver(current: ChatRecord, entry: ChatEntry): void {
    if (entry.kind === 'typing' && entry.from === 'visitor') return;
    send({ type: 'entry', entry });
    if (entry.kind === 'message' && entry.from === 'agent')
      deps.chats
        .receipt(current, entry.id, 'delivered', 'visitor')
        .catch((error: unknown) => deps.logger.warn({ err: error, chatId }, 'delivery receipt not stored'));
  }
}
