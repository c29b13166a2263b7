// The supervisor socket's commands one at a time. The server's schema takes no requestId on them (only media
// signalling is correlated), and its `error` answer names no request: running them in turn is what lets an error be
// pinned on the command that caused it, and an answer (`state_forced`, `supervising`, ...) be waited for.
import type { LiveSocket, ServerMessage } from '../api/live-socket';

/** The server refused a command: its error code (`no_call`, `forbidden`, `unavailable`...) and message. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Waiting {
  match: (message: ServerMessage) => boolean;
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
}

export const COMMAND_TIMEOUT_MS = 15_000;

export class CommandChannel {
  private chain: Promise<unknown> = Promise.resolve();
  private waiting: Waiting | undefined;
  private socket: LiveSocket | undefined;

  /** The socket commands go to (undefined: none, they fail at once). */
  attach(socket: LiveSocket | undefined): void {
    this.socket = socket;
  }

  /**
   * Sends `message` once the commands before it are answered, and resolves with the first message `match` accepts;
   * an uncorrelated `error` meanwhile rejects it with a CommandError.
   */
  run(
    message: Record<string, unknown>,
    match: (answer: ServerMessage) => boolean,
    timeoutMs = COMMAND_TIMEOUT_MS,
  ): Promise<ServerMessage> {
    const attempt = () =>
      new Promise<ServerMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting = undefined;
          reject(new CommandError('timeout', `no answer to ${String(message['type'])} in ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          this.waiting = undefined;
        };
        this.waiting = {
          match,
          resolve: (answer) => (done(), resolve(answer)),
          reject: (error) => (done(), reject(error)),
        };
        if (!this.socket?.send(message)) this.waiting.reject(new CommandError('offline', 'not connected to Parley'));
      });
    const result = this.chain.then(attempt, attempt);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Every message from the socket passes here first; true when it was the error answering the waiting command. */
  offer(message: ServerMessage): boolean {
    const waiting = this.waiting;
    if (!waiting) return false;
    if (message.type === 'error' && message.requestId === undefined) {
      waiting.reject(new CommandError(String(message['code'] ?? 'failed'), String(message['message'] ?? 'refused')));
      return true;
    }
    if (waiting.match(message)) waiting.resolve(message);
    return false;
  }

  /** The socket closed: the answer to the command waiting, if the server sent one, is lost with it. */
  drop(reason: string): void {
    this.waiting?.reject(new CommandError('offline', reason));
  }
}
