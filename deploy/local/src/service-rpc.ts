// Talking to the services the runner started, over NATS RPC as the API does: one connection, clients for routing
// and the SIP gateway, and a bounded wait until both answer (they take seconds to start, and routing answers
// UNAVAILABLE until it owns its state).
import { closeNats, connectNats, createLogger, createNatsRpcClient, RpcError, Status } from '@parley/kit';
import type { RpcClient } from '@parley/kit';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalRunnerError } from './errors.js';

export type RoutingClient = RpcClient<typeof RoutingServiceService>;
export type SipGatewayClient = RpcClient<typeof SipGatewayServiceService>;

export interface ServiceClients {
  readonly routing: RoutingClient;
  readonly sipGateway: SipGatewayClient;
  close(): Promise<void>;
}

export interface ServiceDomains {
  /** Routing's partition domain (`routing.p0`: parley.rpc.routing.p0.<Method>). */
  readonly routing: string;
  /** The SIP gateway's domain (SIP_RPC_DOMAIN, default `sip-gateway`). */
  readonly sipGateway: string;
}

const CONNECT_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 2_000;
const PROBE_INTERVAL_MS = 250;

export async function connectServices(natsUrl: string, domains: ServiceDomains): Promise<ServiceClients> {
  const nc = await withDeadline(
    connectNats({
      servers: natsUrl.split(',').map((server) => server.trim()),
      name: 'parley-local-runner',
      logger: createLogger({ service: 'local-runner', level: 'silent' }),
    }),
    CONNECT_TIMEOUT_MS,
    () =>
      new LocalRunnerError(
        'PARLEY_LOCAL_DEMO_SERVICES_UNREACHABLE',
        `cannot connect to NATS at ${natsUrl} within ${CONNECT_TIMEOUT_MS / 1000} s`,
      ),
    (late) => void closeNats(late),
  );
  return {
    routing: createNatsRpcClient(nc, RoutingServiceService, { domain: domains.routing }),
    sipGateway: createNatsRpcClient(nc, SipGatewayServiceService, { domain: domains.sipGateway }),
    close: () => closeNats(nc),
  };
}

/** What a probe calls: any cheap read that only a running, ready service answers. */
export interface ServiceProbe {
  /** The service's package name, as the runner prints it (`routing`). */
  readonly name: string;
  /** The subject family, for the error (`parley.rpc.routing.p0`). */
  readonly domain: string;
  readonly call: (timeoutMs: number) => Promise<unknown>;
}

/**
 * Resolves once every probe has answered once; rejects after `timeoutMs` naming the services that did not answer
 * and their last error, or with the signal's reason as soon as `signal` aborts.
 */
export async function waitUntilAnswering(
  probes: readonly ServiceProbe[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const silent = new Map<string, { probe: ServiceProbe; lastError: unknown }>(
    probes.map((probe) => [probe.name, { probe, lastError: undefined }]),
  );
  while (silent.size > 0) {
    signal?.throwIfAborted();
    await Promise.all(
      [...silent.values()].map(async (entry) => {
        try {
          await entry.probe.call(PROBE_TIMEOUT_MS);
          silent.delete(entry.probe.name);
        } catch (error) {
          entry.lastError = error;
        }
      }),
    );
    if (silent.size === 0) return;
    if (Date.now() >= deadline) {
      const which = [...silent.values()].map(
        ({ probe, lastError }) => `${probe.name} (${probe.domain}.*): ${describeError(lastError)}`,
      );
      throw new LocalRunnerError(
        'PARLEY_LOCAL_DEMO_SERVICES_UNREACHABLE',
        `no answer over NATS within ${timeoutMs / 1000} s from ${which.join('; ')} — see the service's own ` +
          'lines above (did it exit?), or set PARLEY_DEMO_DATA=false to start without demo data',
      );
    }
    // An abort ends the pause early; the check at the top then throws the signal's reason.
    await sleep(PROBE_INTERVAL_MS, undefined, signal ? { signal } : undefined).catch(() => undefined);
  }
}

/** Calls again while the service is away for a moment (a routing partition changing owner), up to `timeoutMs`. */
export async function retryTransient<T>(call: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const giveUp = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || Date.now() > giveUp) throw error;
      await sleep(PROBE_INTERVAL_MS);
    }
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof RpcError && error.status === Status.NOT_FOUND;
}

function isTransient(error: unknown): boolean {
  return (
    error instanceof RpcError && (error.status === Status.UNAVAILABLE || error.status === Status.DEADLINE_EXCEEDED)
  );
}

export function describeError(error: unknown): string {
  if (error === undefined) return 'no answer';
  // A remote INVALID_ARGUMENT's message already lists its field violations.
  if (error instanceof RpcError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}

/** Races a promise against a timer; what settles after the timer is handed to `onLate` (to close it). */
async function withDeadline<T>(
  promise: Promise<T>,
  timeoutMs: number,
  timeoutError: () => Error,
  onLate: (value: T) => void,
): Promise<T> {
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(timeoutError());
    }, timeoutMs);
  });
  promise.then(
    (value) => {
      if (timedOut) onLate(value);
    },
    () => undefined,
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
