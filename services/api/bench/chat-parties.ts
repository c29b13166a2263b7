// The two sides of the chat bench's conversations: agents' tabs that log in, accept every chat offered and stamp
// each visitor message when it reaches them ("bench:<n>": n indexes the bench's table of send times), and visitors'
// widgets that start a chat, join it and send messages when told.
import { WebSocket } from 'ws';
import { now } from './stats.js';

type Frame = Record<string, unknown>;

function open(url: string, first: unknown, onFrame: (frame: Frame) => void, timeoutMs: number): Promise<WebSocket> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.on('message', (data) => onFrame(JSON.parse(data.toString()) as Frame));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url}: not open within ${timeoutMs} ms`)), timeoutMs);
    socket.once('open', () => {
      clearTimeout(timer);
      socket.send(JSON.stringify(first));
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Message n received at the agent (NaN until then); counts of what else happened. */
export interface ChatReceipts {
  at: Float64Array;
  received: number;
  duplicates: number;
  errors: number;
}

export class BenchAgent {
  connected = 0;
  private constructor(private readonly socket: WebSocket) {}

  static async open(url: string, token: string, receipts: ChatReceipts, timeoutMs: number): Promise<BenchAgent> {
    // The frame handler needs the agent the socket becomes: a holder filled once the socket is open.
    const made: { agent?: BenchAgent } = {};
    const send = (message: unknown) => made.agent?.socket.send(JSON.stringify(message));
    const socket = await open(
      url,
      { type: 'auth', token },
      (frame) => {
        if (frame.type === 'ready') send({ type: 'login' });
        else if (frame.type === 'offer') send({ type: 'accept', offerId: frame.offerId });
        else if (frame.type === 'chat_transcript' && made.agent) made.agent.connected += 1;
        else if (frame.type === 'error') receipts.errors += 1;
        else if (frame.type === 'chat_entry') {
          const entry = frame.entry as { kind: string; from: string; text: string };
          const n = entry.kind === 'message' && entry.from === 'visitor' ? Number(entry.text.slice(6)) : NaN;
          if (Number.isNaN(n) || n >= receipts.at.length) return;
          if (!Number.isNaN(receipts.at[n]!)) receipts.duplicates += 1;
          else {
            receipts.at[n] = now();
            receipts.received += 1;
          }
        }
      },
      timeoutMs,
    );
    made.agent = new BenchAgent(socket);
    return made.agent;
  }

  close(): void {
    this.socket.close();
  }
}

export class BenchVisitor {
  connected = false;
  private constructor(private readonly socket: WebSocket) {}

  /** Starts a chat over HTTP and joins it. */
  static async start(apiUrl: string, name: string, timeoutMs: number): Promise<BenchVisitor> {
    const response = await fetch(`${apiUrl}/chat/v1/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, answers: { topic: 'bench' } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 201) throw new Error(`starting a chat answered ${response.status}`);
    const { chatId, key } = (await response.json()) as { chatId: string; key: string };
    const made: { visitor?: BenchVisitor } = {};
    let connectedEarly = false;
    const socket = await open(
      `${apiUrl.replace(/^http/, 'ws')}/chat/v1/chats/${chatId}/socket`,
      { type: 'join', key },
      (frame) => {
        // Connected already when the visitor joined (the agent was quick), or later.
        const entry = frame.entry as { kind?: string; state?: string } | undefined;
        const connected =
          frame.type === 'joined'
            ? frame.state === 'connected'
            : entry?.kind === 'status' && entry.state === 'connected';
        if (connected) connectedEarly = true;
        if (connected && made.visitor) made.visitor.connected = true;
      },
      timeoutMs,
    );
    made.visitor = new BenchVisitor(socket);
    made.visitor.connected = connectedEarly;
    return made.visitor;
  }

  /** Message n of the run, under a ULID made from the send time (the widget does the same). */
  send(n: number, id: string): void {
    this.socket.send(JSON.stringify({ type: 'message', id, text: `bench:${n}` }));
  }

  close(): void {
    this.socket.close();
  }
}
