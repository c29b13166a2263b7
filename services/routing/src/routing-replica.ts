// A routing replica that may own the routing state or stand by for it. The owner holds a lease (JetStream KV),
// logs every state-changing call before answering (operation-log.ts), publishes the resulting events and serves the
// contract over NATS. A standby waits for the lease; when the owner dies it replays the log into a fresh state
// machine (identical, because everything is deterministic), re-publishes recent events (de-duplicated by id) and
// takes over. An owner that cannot append — someone else has — steps down at once.
import { hostname } from 'node:os';
import {
  Lease,
  NatsRpcServer,
  ParleyError,
  ServiceHost,
  Status,
  type CallContext,
  type ContractHandlers,
  type EventStreamsConfig,
} from '@parley/kit';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { EngineClock } from './adapters/engine-clock.js';
import { operationEnvelopes, publishEnvelopes } from './adapters/event-publishing.js';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { RoutingEvent } from './domain/events.js';
import { OperationLog, type OperationLogConfig } from './adapters/operation-log.js';
import {
  advanceMethod,
  readOnlyMethods,
  reconcileMethod,
  RoutingStateMachine,
} from './adapters/routing-state-machine.js';
import type { RoutingConfig } from './config.js';

export interface RoutingReplicaOptions {
  config: RoutingConfig;
  eventStreams?: EventStreamsConfig;
  operationLog?: OperationLogConfig;
  leaseBucket?: string;
  leaseTtlMs?: number;
  rpcDomain?: string;
  handleSignals?: boolean;
  /** How often the owner runs the self-repair (default 30 s). */
  reconcileEveryMs?: number;
}

type AnyHandler = (request: unknown, context: CallContext) => Promise<unknown>;
const definition = RoutingServiceService as unknown as Record<
  string,
  { requestSerialize: (v: unknown) => Buffer; requestDeserialize: (b: Buffer) => unknown }
>;

/** Events older than this are not re-published on takeover (JetStream's de-duplication window is 10 minutes). */
const republishWindowMs = 5 * 60_000;

export async function startRoutingReplica(options: RoutingReplicaOptions) {
  const { config } = options;
  const site = config.PARLEY_SITE;
  const host = await ServiceHost.start({
    service: 'routing',
    config,
    grpcPort: config.GRPC_PORT,
    httpPort: config.HTTP_PORT,
    ...(options.eventStreams ? { eventStreams: options.eventStreams } : {}),
    handleSignals: options.handleSignals ?? true,
  });
  const logger = host.logger.child({ module: 'replica' });
  const log = new OperationLog(
    host.js,
    host.jsm,
    options.operationLog ?? { stream: 'PARLEY_ROUTING_OPS', subject: `parley.routing.ops.${site}.p0` },
  );
  await log.ensureStream();
  const source = `routing/${hostname()}/${process.pid}`;

  let machine: RoutingStateMachine | undefined;
  let clock: EngineClock | undefined;
  let natsServer: NatsRpcServer | undefined;
  let reconciler: NodeJS.Timeout | undefined;
  let owner = false;
  let writes: Promise<unknown> = Promise.resolve();

  // Losing ownership (lease lost, append refused, NATS gone too long) drops the in-memory state and goes back to
  // standing by: the lease loop keeps trying, and whoever owns next — this replica included — rebuilds from the log.
  const stepDown = async (why: string) => {
    if (!owner) return;
    owner = false;
    machine = undefined;
    clock?.stop();
    clearInterval(reconciler);
    logger.error({ why }, 'no longer the routing owner; standing by');
    const server = natsServer;
    natsServer = undefined;
    await server?.close();
    if (!lease.held) return;
    // We still hold the lease (an append failed on its own): give it up so the state is rebuilt from the log.
    await lease.release();
  };

  // Calls change the state one at a time (in memory, fast); their log appends and event publications are then
  // pipelined, each call answering once its own operation is logged and its events stored.
  let published: Promise<unknown> = Promise.resolve();
  const write = (method: string, request: unknown, context?: CallContext): Promise<unknown> => {
    const applied = writes.then(async () => {
      const state = machine;
      if (!owner || !state) throw standby();
      const at = Date.now();
      const result = await state.apply(method, request, at, context).catch((error: unknown) => {
        state.engine.drainEvents(); // a refused call changes nothing worth publishing
        throw error;
      });
      const bytes =
        method === advanceMethod
          ? new Uint8Array()
          : (definition[method]?.requestSerialize(request) ?? new Uint8Array());
      const events = state.engine.drainEvents();
      const appended = log.append({ method, at, request: bytes });
      clock?.rearm();
      return { result, events, appended };
    });
    writes = applied.catch(() => undefined);
    const done = applied.then(async ({ result, events, appended }) => {
      let sequence: number;
      try {
        sequence = await appended;
      } catch (error) {
        // Someone else appended (they own the lease now), or NATS refused: our memory is ahead of the log.
        await stepDown(`operation log append failed: ${error instanceof Error ? error.message : String(error)}`);
        throw standby();
      }
      // Publications stay in log order: each waits for the previous one to be sent.
      const publication = published.then(() => publishEvents(events, sequence));
      published = publication.catch(() => undefined);
      await publication;
      return result;
    });
    return done;
  };

  const publishEvents = (events: RoutingEvent[], sequence: number) =>
    publishEnvelopes(events, host.events, { site, source }, sequence);

  const handlers: Record<string, AnyHandler> = {};
  for (const method of Object.keys(RoutingServiceService)) {
    handlers[method] = (request, context) => {
      if (!owner || !machine) return Promise.reject(standby());
      return readOnlyMethods.has(method) ? machine.read(method, request, context) : write(method, request, context);
    };
  }
  const contractHandlers = handlers as unknown as ContractHandlers<typeof RoutingServiceService>;

  const becomeOwner = async () => {
    const started = Date.now();
    const state = new RoutingStateMachine(site);
    let replayed = 0;
    const republish: Envelope[] = [];
    for await (const { sequence, operation } of log.readAll()) {
      const internal = operation.method === advanceMethod || operation.method === reconcileMethod;
      const request = internal
        ? undefined
        : definition[operation.method]?.requestDeserialize(Buffer.from(operation.request));
      await state.apply(operation.method, request, operation.at).catch(() => undefined); // refused then, refused now
      const events = state.engine.drainEvents();
      if (Date.now() - operation.at < republishWindowMs)
        republish.push(...operationEnvelopes(events, { site, source }, sequence));
      replayed++;
    }
    // One pipelined batch, in log order; JetStream drops the ones the previous owner had already stored.
    await host.events.publishAll(republish, 256);
    machine = state;
    // The tick is logged like any call; write() stamps it with its own time.
    clock = new EngineClock(state.engine, async () => void (await write(advanceMethod, undefined)));
    owner = true;
    natsServer = new NatsRpcServer(host.nc, host.logger);
    natsServer.serve(RoutingServiceService, contractHandlers, { domain: options.rpcDomain ?? 'routing' });
    clock.rearm();
    reconciler = setInterval(() => {
      void write(reconcileMethod, undefined)
        .then((repairs) => {
          if (typeof repairs === 'number' && repairs > 0)
            logger.error({ repairs }, 'reconciler repaired impossible states');
        })
        .catch(() => undefined);
    }, options.reconcileEveryMs ?? 30_000);
    logger.info({ replayed, ms: Date.now() - started }, 'took over as the routing owner');
  };

  const lease = await Lease.open(host.nc, {
    bucket: options.leaseBucket ?? 'PARLEY_ROUTING_LEASES',
    key: `${site}-p0`,
    owner: source,
    ttlMs: options.leaseTtlMs ?? 2_000,
    // A standby notices an expired lease within this: takeover ≈ TTL + interval + replay.
    intervalMs: 250,
    logger: host.logger,
    onAcquired: becomeOwner,
    onLost: () => stepDown('lease lost'),
  });
  host.readiness.add('routing-owner', () => owner);
  host.shutdown.add('lease', () => lease.close()); // closed after the NATS RPC server below: hand over fast
  host.shutdown.add('routing-rpc', async () => {
    owner = false;
    clock?.stop();
    clearInterval(reconciler);
    await natsServer?.close();
    await writes;
  });
  host.serve(RoutingServiceService, contractHandlers, { nats: false });
  const ports = await host.listen();
  lease.start();
  return { host, ports, isOwner: () => owner, stop: () => host.stop() };
}

function standby(): ParleyError {
  return new ParleyError('PARLEY_ROUTING_STANDBY', 'this routing replica is on standby; retry', {
    status: Status.UNAVAILABLE,
    domain: 'routing',
  });
}
