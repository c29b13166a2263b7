// Calls something until it stops answering UNAVAILABLE or DEADLINE_EXCEEDED — what a client sees while a service
// fails over or NATS comes back — or until the time is up. Other errors are thrown at once.
import { RpcError } from '../errors/parley-error.js';
import { Status } from '../errors/status.js';

export async function retryWhileUnavailable<T>(
  call: () => Promise<T>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const giveUp = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const transient =
        error instanceof RpcError && (error.status === Status.UNAVAILABLE || error.status === Status.DEADLINE_EXCEEDED);
      if (!transient || Date.now() > giveUp) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
