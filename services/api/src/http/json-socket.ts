// JSON text frames on a WebSocket, checked by a zod schema: a frame that is not JSON or not a known message is
// answered with an error message naming the problem (the session goes on); a handler that fails answers with the
// error's code. Frames are rate-limited per socket (a burst, then a steady rate): above it they are refused, and a
// socket that keeps flooding is closed (4429). Shared by the agent, supervisor and chat visitor sockets.
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { TokenBucket } from '../limits/token-bucket.js';

/** Frames a socket may send at once, then one per interval; refused frames in a row before the socket is closed. */
const FRAME_BURST = 100;
const FRAME_INTERVAL_MS = 20;
const FLOOD_CLOSE_AFTER = 200;
export const FLOODING_CLOSE_CODE = 4429;

/** A request the socket refuses, answered as {"type":"error","code":…}. */
export class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface JsonSocket<Out> {
  send(message: Out): void;
  fail(code: string, message: string): void;
}

export function jsonSocket<In, Out>(
  socket: WebSocket,
  schema: z.ZodType<In>,
  handle: (message: In) => Promise<void>,
  errorMessage: (code: string, message: string) => Out,
): JsonSocket<Out> {
  const send = (message: Out) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const fail = (code: string, message: string) => send(errorMessage(code, message));
  const frames = new TokenBucket(FRAME_BURST, FRAME_INTERVAL_MS);
  let refused = 0;
  socket.on('message', (data, isBinary) => {
    if (!frames.take()) {
      refused += 1;
      if (refused >= FLOOD_CLOSE_AFTER) socket.close(FLOODING_CLOSE_CODE, 'too many frames');
      else if (refused === 1) fail('rate_limited', 'too many frames; slow down');
      return;
    }
    refused = 0;
    let message: In;
    try {
      if (isBinary) throw new Error('binary frame');
      const parsed = schema.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail('bad_message', `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'not understood'}`);
      }
      message = parsed.data;
    } catch {
      return fail('bad_message', 'frames are JSON text');
    }
    handle(message).catch((error: unknown) => {
      const detail = error as { code?: string; message?: string };
      const answer = errorMessage(detail.code ?? 'failed', detail.message ?? 'the request failed');
      // A request that names itself (media signalling) gets its failure by the same name, not a timeout.
      const requestId = (message as { requestId?: unknown }).requestId;
      send(typeof requestId === 'string' ? { ...answer, requestId } : answer);
    });
  });
  return { send, fail };
}
