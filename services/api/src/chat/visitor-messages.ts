// What the chat widget and the API say to each other over the visitor's socket (JSON text frames), checked here.
import { z } from 'zod';
import type { ChatEntry, ChatState } from './chat-entries.js';

/** Message ids are ULIDs the sender makes: a message sent twice (a retry after a lost connection) is kept once. */
export const messageId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');

/** The schema for a message length limit, built once per process (not per socket: zod schemas are heavy). */
export function visitorMessage(maxChars: number) {
  let schema = visitorSchemas.get(maxChars);
  if (!schema) visitorSchemas.set(maxChars, (schema = buildVisitorMessage(maxChars)));
  return schema;
}

const visitorSchemas = new Map<number, ReturnType<typeof buildVisitorMessage>>();

function buildVisitorMessage(maxChars: number) {
  return z.discriminatedUnion('type', [
    /** First message: the key handed out when the chat started (proves this is the same visitor). */
    z.strictObject({ type: z.literal('join'), key: z.string().min(16).max(128) }),
    z.strictObject({ type: z.literal('message'), id: messageId, text: z.string().trim().min(1).max(maxChars) }),
    z.strictObject({ type: z.literal('typing'), on: z.boolean() }),
    z.strictObject({ type: z.literal('read'), messageId }),
    /** The visitor closes the conversation. */
    z.strictObject({ type: z.literal('leave') }),
  ]);
}

export type VisitorMessage = z.output<ReturnType<typeof buildVisitorMessage>>;

export type VisitorServerMessage =
  | { type: 'joined'; chatId: string; state: ChatState; agentName: string | null; transcript: ChatEntry[] }
  | { type: 'entry'; entry: ChatEntry }
  | { type: 'sent'; id: string }
  | { type: 'error'; code: string; message: string };
