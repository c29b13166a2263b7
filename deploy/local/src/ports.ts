// Port checks for the servers the runner starts itself, always on 127.0.0.1.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalRunnerError } from './errors.js';

export const LOCALHOST = '127.0.0.1';

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isPortOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: LOCALHOST, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls until the port accepts connections. Resolves false if `gaveUp()` turns true first (the server exited)
 * or the deadline passes, so the caller can report why with the server's own output.
 */
export async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) return false;
    if (await isPortOpen(port)) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Fails if the port is taken: otherwise the readiness poll would happily connect to whatever holds it while the
 * server we started dies on "address in use".
 */
export async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  if (await isPortOpen(port)) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_PORT_IN_USE',
      `port ${port} for ${what} is already in use on ${LOCALHOST} (an earlier runner still running?): ` +
        `stop what holds it or set ${variable}`,
    );
  }
}
