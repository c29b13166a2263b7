// What an agent's browser tab and the API say to each other over the agent socket (JSON text frames). The client's
// messages are checked here; anything else is answered with an error message naming the problem, never a crash.
import { z } from 'zod';

const id = z.string().min(1).max(128);

export const clientMessage = z.discriminatedUnion('type', [
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
  z.strictObject({
    type: z.literal('state'),
    state: z.enum(['AVAILABLE', 'NOT_READY']),
    reasonId: z.string().max(128).optional(),
  }),
  z.strictObject({ type: z.literal('accept'), offerId: id }),
  z.strictObject({ type: z.literal('reject'), offerId: id, reason: z.string().max(500).optional() }),
]);

export type ClientMessage = z.output<typeof clientMessage>;

export type ServerMessage =
  /** `seq`: the session's latest message number; `replayed`: messages resent; `gap`: some were lost, reload. */
  | { type: 'ready'; agentId: string; username: string; seq: number; replayed: number; gap: boolean }
  | { type: 'logged_in'; state: string }
  | { type: 'state'; state: string }
  | {
      type: 'offer';
      seq: number;
      offerId: string;
      interactionId: string;
      channel: string;
      queueId: string;
      timeoutMs: number;
      expiresAt: string | undefined;
    }
  | { type: 'offer_ended'; seq: number; offerId: string; reason: string }
  | { type: 'accepted'; offerId: string; interactionId: string }
  | { type: 'rejected'; offerId: string }
  | { type: 'error'; code: string; message: string };
