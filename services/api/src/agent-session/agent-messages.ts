// What an agent's browser tab and the API say to each other over the agent socket (JSON text frames). The client's
// messages are checked here; anything else is answered with an error message naming the problem, never a crash.
import { z } from 'zod';
import type { ChatEntry, StoredChatEntry } from '../chat/chat-entries.js';
import { messageId } from '../chat/visitor-messages.js';
import { mediaMessage, type MediaAnswer } from '../media/media-messages.js';

const id = z.string().min(1).max(128);

/** Where a transfer goes: exactly one of a queue, an agent, or (calls only) an E.164 number. */
const transferTarget = z
  .strictObject({
    queueId: id.optional(),
    agentId: id.optional(),
    number: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number, e.g. +48221234567')
      .optional(),
  })
  .refine(
    (target) => [target.queueId, target.agentId, target.number].filter((kind) => kind !== undefined).length === 1,
    'must name exactly one of queueId, agentId or number',
  );

export type TransferTargetJson = z.output<typeof transferTarget>;

/** The schema for a chat length limit, built once per process (each one is ~90 KiB of zod objects). */
export function agentClientMessage(maxChatChars: number) {
  let schema = agentSchemas.get(maxChatChars);
  if (!schema) agentSchemas.set(maxChatChars, (schema = buildAgentClientMessage(maxChatChars)));
  return schema;
}

const agentSchemas = new Map<number, ReturnType<typeof buildAgentClientMessage>>();

function buildAgentClientMessage(maxChatChars: number) {
  return z.discriminatedUnion('type', [
    /**
     * First message: the access token (browsers cannot set headers on a WebSocket) and, after a reconnect, the last
     * message number the tab saw: what came after it is replayed.
     */
    z.strictObject({
      type: z.literal('auth'),
      token: z.string().min(1).max(8_192),
      resumeFrom: z.number().int().min(0).optional(),
    }),
    /** Log in to routing (this tab's session), ready or not. */
    z.strictObject({ type: z.literal('login'), ready: z.boolean().default(true) }),
    /** NOT_READY names one of the not-ready reasons an admin configured. */
    z.strictObject({
      type: z.literal('state'),
      state: z.enum(['AVAILABLE', 'NOT_READY']),
      reasonId: z.string().min(1).max(128).optional(),
    }),
    z.strictObject({ type: z.literal('accept'), offerId: id }),
    z.strictObject({ type: z.literal('reject'), offerId: id, reason: z.string().max(500).optional() }),
    /** Chat: a message to the visitor, typing, and having read the visitor's message. */
    z.strictObject({
      type: z.literal('chat_send'),
      interactionId: id,
      id: messageId,
      text: z.string().trim().min(1).max(maxChatChars),
    }),
    z.strictObject({ type: z.literal('chat_typing'), interactionId: id, on: z.boolean() }),
    z.strictObject({ type: z.literal('chat_read'), interactionId: id, messageId }),
    /** End the conversation (hang up the chat; a call is hung up by the SIP gateway) and go to wrap-up. */
    z.strictObject({ type: z.literal('end'), interactionId: id }),
    z.strictObject({
      type: z.literal('wrap_up'),
      interactionId: id,
      code: z.string().max(128).optional(),
      comment: z.string().max(2_000).optional(),
    }),
    /** mediasoup signalling for the tab's audio (media-messages.ts). */
    mediaMessage,
    /** Connect the tab's audio to the interaction's call (done on accept when the tab already sends audio). */
    z.strictObject({ type: z.literal('connect_call'), interactionId: id }),
    /** A note on the interaction, kept in its history. */
    z.strictObject({ type: z.literal('note'), interactionId: id, text: z.string().trim().min(1).max(10_000) }),
    /** Calls: the customer on hold (music) and back, on the interaction's call at the SIP gateway. */
    z.strictObject({ type: z.literal('hold'), interactionId: id }),
    z.strictObject({ type: z.literal('resume'), interactionId: id }),
    /** Calls: DTMF towards the customer's side (e.g. another company's IVR). */
    z.strictObject({
      type: z.literal('dtmf'),
      interactionId: id,
      digits: z.string().regex(/^[0-9*#A-D]{1,32}$/, 'must be 1–32 of 0-9 * # A B C D'),
    }),
    /**
     * Blind transfer: a call through the SIP gateway (queue, agent or number), a chat through routing (queue or
     * agent). The interaction leaves the agent at once (routing gives a transfer no wrap-up).
     */
    z.strictObject({ type: z.literal('transfer'), interactionId: id, target: transferTarget }),
  ]);
}

export type ClientMessage = z.output<ReturnType<typeof buildAgentClientMessage>>;

/** Pushed to every tab of the agent, numbered (`seq`) and kept for the grace period so a resuming tab gets them. */
export type AgentPush =
  | {
      type: 'offer';
      offerId: string;
      interactionId: string;
      channel: string;
      queueId: string;
      timeoutMs: number;
      expiresAt: string | undefined;
      attributes: Record<string, string>;
      /** Who it is, as routing was told at enqueue (the screen pop follows with history's record). */
      customer: { name: string; phoneNumber: string; email: string };
    }
  | { type: 'offer_ended'; offerId: string; reason: string }
  | {
      type: 'screen_pop';
      interactionId: string;
      customer: { id: string; name: string; phoneNumber: string; email: string };
      attributes: Record<string, string>;
      recent: {
        interactionId: string;
        channel: string;
        createdAt: string | null;
        wrapUpCode: string;
        agentIds: string[];
      }[];
      lastAgentId: string;
    }
  | { type: 'state'; state: string; reason: string }
  | { type: 'interaction'; interactionId: string; phase: string; at: string; wrapUpDeadline: string | undefined }
  | { type: 'chat_transcript'; interactionId: string; visitorName: string; transcript: StoredChatEntry[] }
  | { type: 'chat_entry'; interactionId: string; entry: ChatEntry };

export type ServerMessage =
  /** `seq`: the session's latest message number; `replayed`: messages resent; `gap`: some were lost, reload. */
  | {
      type: 'ready';
      agentId: string;
      username: string;
      seq: number;
      replayed: number;
      gap: boolean;
      /** Routing's view now (state, held interactions, pending offers), for a tab starting afresh. */
      status: { state: string; reason: string; interactionIds: string[]; offerIds: string[] };
    }
  | { type: 'logged_in'; state: string }
  /** The answer to a state change (the `state` push follows when routing has made it). */
  | { type: 'state_set'; state: string }
  | (AgentPush & { seq: number })
  | { type: 'accepted'; offerId: string; interactionId: string }
  | { type: 'rejected'; offerId: string }
  | { type: 'chat_sent'; interactionId: string; id: string }
  | { type: 'ended'; interactionId: string }
  | { type: 'wrapped_up'; interactionId: string }
  | { type: 'note_added'; interactionId: string; noteId: string }
  | MediaAnswer
  | { type: 'call_connected'; interactionId: string; callId: string }
  | { type: 'held'; interactionId: string; callId: string }
  | { type: 'resumed'; interactionId: string; callId: string }
  | { type: 'dtmf_sent'; interactionId: string; digits: string }
  | { type: 'transferred'; interactionId: string; target: TransferTargetJson }
  | { type: 'error'; code: string; message: string };
