// One WebSocket to the API that stays up: authenticates with a fresh token in its first message, reconnects with
// backoff (resuming from the last numbered push it saw, so nothing pushed meanwhile is lost), and correlates media
// requests with their answers. The UI reads `status` to say honestly when it is offline.
import type { Session } from '../auth/session';

export type SocketStatus = 'connecting' | 'open' | 'offline';

export interface ServerMessage {
  type: string;
  seq?: number;
  requestId?: string;
  [key: string]: unknown;
}

export interface LiveSocketOptions {
  path: string;
  session: Session;
  /** Whether the server numbers its pushes and can replay them (the agent socket). */
  resumable: boolean;
  onMessage: (message: ServerMessage) => void;
  onStatus: (status: SocketStatus) => void;
}

const REQUEST_TIMEOUT_MS = 10_000;

export class LiveSocket {
  private socket: WebSocket | undefined;
  private lastSeq: number | undefined;
  private attempt = 0;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly pending = new Map<string, { resolve: (value: ServerMessage) => void; reject: (e: Error) => void }>();
  private nextRequest = 0;

  constructor(private readonly options: LiveSocketOptions) {
    void this.connect();
  }

  send(message: Record<string, unknown>): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends a message with a fresh requestId and waits for the answer naming it. */
  request(message: Record<string, unknown>): Promise<ServerMessage> {
    const requestId = `r${++this.nextRequest}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`no answer to ${String(message['type'])} in ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      if (!this.send({ ...message, requestId })) {
        this.pending.get(requestId)?.reject(new Error('not connected'));
        this.pending.delete(requestId);
      }
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.socket?.close(1000, 'closed by the user');
  }

  private async connect(): Promise<void> {
    this.options.onStatus('connecting');
    const token = await this.options.session.token();
    // Closed while the token was being fetched (the view went away): do not open a socket nobody owns.
    if (this.closed) return;
    const url = new URL(this.options.path, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      const auth: Record<string, unknown> = { type: 'auth', token };
      if (this.options.resumable && this.lastSeq !== undefined) auth['resumeFrom'] = this.lastSeq;
      socket.send(JSON.stringify(auth));
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      for (const [, waiting] of this.pending) waiting.reject(new Error('connection lost'));
      this.pending.clear();
      if (this.closed) return;
      this.options.onStatus('offline');
      // 4401/4403: the token or role was refused; retrying at once would only hammer the server.
      const refused = event.code === 4401 || event.code === 4403;
      const delay = Math.min(15_000, 500 * 2 ** this.attempt++) * (refused ? 4 : 1) * (0.75 + Math.random() / 2);
      this.retry = setTimeout(() => void this.connect(), delay);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'ready') {
      this.attempt = 0;
      this.options.onStatus('open');
      if (typeof message.seq === 'number') this.lastSeq = message.seq;
    } else if (typeof message.seq === 'number') {
      this.lastSeq = message.seq;
    }
    const waiting = message.requestId === undefined ? undefined : this.pending.get(message.requestId);
    if (waiting) {
      this.pending.delete(message.requestId!);
      if (message.type === 'error') waiting.reject(new Error(String(message['message'] ?? 'the request failed')));
      else waiting.resolve(message);
      return;
    }
    this.options.onMessage(message);
  }
}
