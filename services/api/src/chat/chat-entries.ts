// What happens in a chat conversation, as the entries both parties see: messages, delivery and read receipts,
// typing indicators and the conversation's status. Messages, receipts and status changes are stored (a visitor who
// comes back, or an agent who joins, reads them); typing indicators are not. Every entry has an id: the same entry
// seen twice (live and from the store) is shown once.
export type ChatParty = 'visitor' | 'agent' | 'system';

export type ChatState = 'waiting' | 'connected' | 'ended';

export type ChatEntry =
  | { kind: 'message'; id: string; from: ChatParty; senderId: string; senderName: string; text: string; sentAt: string }
  | { kind: 'receipt'; id: string; messageId: string; status: 'delivered' | 'read'; by: ChatParty; at: string }
  | { kind: 'status'; id: string; state: ChatState; agentName?: string; at: string }
  | { kind: 'typing'; id: string; from: ChatParty; on: boolean };

export type StoredChatEntry = Exclude<ChatEntry, { kind: 'typing' }>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEntry(entry: ChatEntry): Uint8Array {
  return encoder.encode(JSON.stringify(entry));
}

/** Entries come only from API replicas; anything unreadable is dropped by the caller. */
export function decodeEntry(data: Uint8Array): ChatEntry | undefined {
  const value = JSON.parse(decoder.decode(data)) as Partial<ChatEntry>;
  return typeof value.id === 'string' && typeof value.kind === 'string' ? (value as ChatEntry) : undefined;
}
