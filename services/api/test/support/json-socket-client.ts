// A test's WebSocket client speaking JSON frames: everything it got, a way to wait for a message of a type (after
// a given index), how it closed, and send.
import { waitFor } from '@parley/kit/testing';
import { WebSocket } from 'ws';

export type Received = Record<string, unknown>;

export async function openJsonSocket(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const messages: Received[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Received));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = (type: string, after = 0, where: (message: Received) => boolean = () => true) =>
    waitFor(() => messages.slice(after).find((message) => message.type === type && where(message)), {
      timeoutMs: 5_000,
      description: `a "${type}" message`,
    });
  return { socket, messages, closed, next, send: (message: unknown) => socket.send(JSON.stringify(message)) };
}

export type JsonSocketClient = Awaited<ReturnType<typeof openJsonSocket>>;
