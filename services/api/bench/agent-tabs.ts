// The agents' browser tabs of the bench: one `ws` client per agent that opens the agent socket, authenticates, and
// from then on stamps every offer it receives with the time of receipt. Offer ids are "bench-<n>": n indexes the
// bench's table of publish times, and n modulo the number of agents is the agent the offer was for, so an offer
// delivered to the wrong agent's socket is caught, not counted.
import { WebSocket } from 'ws';
import { now } from './stats.js';

export interface Receipts {
  /** Receipt time (now()) of offer n, NaN until it arrives. */
  at: Float64Array;
  received: number;
  duplicates: number;
  misrouted: number;
  /** Frames that were not offers after "ready" (errors from the API, anything unexpected). */
  unexpected: number;
}

export class AgentTab {
  private constructor(
    private readonly socket: WebSocket,
    /** From opening the socket to "ready", ms. */
    readonly authMs: number,
  ) {}

  /**
   * Opens the socket, sends the token and resolves at "ready"; rejects on a close, an error or `timeoutMs`. Every
   * offer after that is recorded in `receipts`.
   */
  static open(
    url: string,
    token: string,
    agentIndex: number,
    agents: number,
    receipts: Receipts,
    timeoutMs: number,
  ): Promise<AgentTab> {
    const started = now();
    const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no "ready" within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.terminate();
        reject(error);
      };
      let ready = false;
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
      socket.on('error', fail);
      socket.once('close', (code, reason) => {
        if (!ready) fail(new Error(`closed before "ready": ${code} ${reason.toString()}`));
      });
      socket.on('message', (data) => {
        const receivedAt = now();
        let message: { type?: string; offerId?: string };
        try {
          message = JSON.parse(data.toString()) as typeof message;
        } catch {
          message = {};
        }
        if (!ready) {
          if (message.type !== 'ready') return fail(new Error(`expected "ready", got ${data.toString()}`));
          ready = true;
          clearTimeout(timer);
          resolve(new AgentTab(socket, receivedAt - started));
          return;
        }
        const n = message.type === 'offer' ? Number(message.offerId?.replace(/^bench-/, '')) : Number.NaN;
        if (!Number.isInteger(n) || n < 0 || n >= receipts.at.length) receipts.unexpected += 1;
        else if (n % agents !== agentIndex) receipts.misrouted += 1;
        else if (!Number.isNaN(receipts.at[n]!)) receipts.duplicates += 1;
        else {
          receipts.at[n] = receivedAt;
          receipts.received += 1;
        }
      });
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Opens a tab for every agent with at most `concurrency` handshakes in flight; a tab that fails is left out
 * (undefined at its index) and its error counted by message.
 */
export async function openTabs(
  url: string,
  tokens: readonly string[],
  receipts: Receipts,
  concurrency: number,
  timeoutMs: number,
): Promise<{ tabs: (AgentTab | undefined)[]; failures: Map<string, number> }> {
  const tabs: (AgentTab | undefined)[] = new Array(tokens.length).fill(undefined);
  const failures = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const index = next++;
      try {
        tabs[index] = await AgentTab.open(url, tokens[index]!, index, tokens.length, receipts, timeoutMs);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, worker));
  return { tabs, failures };
}
