// What an agent's browser tab and the API say to each other over the agent socket (JSON text frames). The client's
// messages are checked here; anything else is answered with an error message naming the problem, never a crash.
import { z } from 'zod';

const id = z.string().min(1).max(128);

export const clientMessage = z.discriminatedUnion('type', [
  /** First message: the access token (browsers cannot set headers on a WebSocket). */
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(8_192) }),
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
  | { type: 'ready'; agentId: string; username: string }
  | { type: 'logged_in'; state: string }
  | { type: 'state'; state: string }
  | {
      type: 'offer';
      offerId: string;
      interactionId: string;
      channel: string;
      queueId: string;
      timeoutMs: number;
      expiresAt: string | undefined;
    }
  | { type: 'offer_ended'; offerId: string; reason: string }
  | { type: 'accepted'; offerId: string; interactionId: string }
  | { type: 'rejected'; offerId: string }
  | { type: 'error'; code: string; message: string };
