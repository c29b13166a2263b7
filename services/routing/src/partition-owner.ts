// One routing partition as seen by one replica: it either owns the partition's state or stands by for it. The owner
// holds the partition's lease (JetStream KV), applies each state-changing call to the in-memory state machine (one at
// a time), appends it to the partition's operation log — fenced, so an owner that lost the lease cannot write —
// publishes the resulting events and only then answers. Every so often it stores a snapshot and trims the log
// behind it. A standby keeps a copy of the state current from the log (partition-follower.ts); when it gets the
// lease it applies the log's last entries (or, cold, restores the snapshot and replays the log after it — the
// state machine is deterministic, so the state is identical), re-publishes recent events (de-duplicated by id) and
// starts serving.
import {
  Lease,
  NatsRpcServer,
  ParleyError,
  Status,
  type CallContext,
  type ContractHandlers,
  type Logger,
  type ServiceHost,
} from '@parley/kit';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';

import { DecisionHookDispatcher } from './adapters/decision-hook.js';
import { EngineClock } from './adapters/engine-clock.js';
import { publishEnvelopes } from './adapters/event-publishing.js';
import { OperationLog } from './adapters/operation-log.js';
import {
  advanceMethod,
  compressSnapshot,
  decideMethod,
  readOnlyMethods,
  reconcileMethod,
  type RoutingStateMachine,
} from './adapters/routing-state-machine.js';
import { encodeRequest } from './adapters/operation-codec.js';
import { PublicationProgress } from './adapters/publication-progress.js';
import { ReplayedState } from './adapters/replayed-state.js';
import { SnapshotStore } from './adapters/snapshot-store.js';
import type { RoutingEvent } from './domain/events.js';
import { PartitionFollower } from './partition-follower.js';
import { partitionRpcDomain, type RoutingPartition } from './partitions/index.js';
import { operationLogStream, type RoutingResources } from './routing-resources.js';

export interface PartitionOwnerOptions {
  host: ServiceHost;
  site: string;
  partition: RoutingPartition;
  resources: RoutingResources;
  /** "routing/<host>/<pid>": who holds the lease, and the events' source. */
  source: string;
  leaseTtlMs: number;
  /** How long to let this partition's lease stay vacant before taking it (see Lease.standOffMs). */
  standOffMs: () => number;
  reconcileEveryMs: number;
  snapshotEveryOps: number;
  snapshotEveryMs: number;
  /** Hot standby: how often to apply the owner's log while not owning; undefined = rebuild only on takeover. */
  followEveryMs: number | undefined;
  onOwnershipChange: () => void;
}

type AnyHandler = (request: unknown, context: CallContext) => Promise<unknown>;

/** One applied operation on its way out: its pipelined append, its events, and a snapshot taken right after it. */
interface LoggedEntry {
  events: RoutingEvent[];
  appended: Promise<number>;
  /** Serialised, not yet compressed. */
  snapshot: { sequence: number; state: Uint8Array } | undefined;
}
/**
 * On takeover, events of operations logged this recently are re-published, in case the owner died between logging
 * and publishing. An owner that cannot renew its lease stops within the TTL (seconds), so a minute is ample; it is
 * well inside JetStream's 10-minute de-duplication window.
 */
const republishWindowMs = 60_000;

export class PartitionOwner {
  private machine: RoutingStateMachine | undefined;
  private clock: EngineClock | undefined;
  private natsServer: NatsRpcServer | undefined;
  private reconciler: NodeJS.Timeout | undefined;
  private owner = false;
  private writes: Promise<unknown> = Promise.resolve();
  /** Resolves when the previous operation's events have been handed to the connection (their turn to go out). */
  private sendTurn: Promise<void> = Promise.resolve();
  private opsSinceSnapshot = 0;
  private lastSnapshotAt = Date.now();
  private snapshotting = false;
  /** Which operations have their events stored: recorded in each append, awaited by snapshots. */
  private publications = new PublicationProgress();
  /** The log sequence the last stored snapshot covers: the log is trimmed up to the one before it. */
  private snapshotSequence = 0;
  private readonly logger: Logger;
  /** Asks queues' decision hooks; their answers come back through write() as logged `__decide` operations. */
  private readonly decisionHooks: DecisionHookDispatcher;
  private readonly follower: PartitionFollower | undefined;
  readonly handlers: Record<string, AnyHandler> = {};

  private constructor(
    private readonly options: PartitionOwnerOptions,
    private readonly log: OperationLog,
    private readonly snapshots: SnapshotStore,
    private lease: Lease | undefined,
  ) {
    this.logger = options.host.logger.child({ module: 'partition', partition: options.partition.name });
    this.decisionHooks = new DecisionHookDispatcher(options.host.nc, this.logger, (decision) =>
      this.write(decideMethod, decision),
    );
    if (options.followEveryMs !== undefined)
      this.follower = new PartitionFollower({
        log,
        snapshots,
        site: options.site,
        partition: options.partition,
        everyMs: options.followEveryMs,
        keepEventsMs: republishWindowMs,
        logger: this.logger,
      });
    for (const method of Object.keys(RoutingServiceService)) {
      this.handlers[method] = (request, context) => {
        if (!this.owner || !this.machine) return Promise.reject(notOwner(options.partition.name));
        return readOnlyMethods.has(method)
          ? this.machine.read(method, request, context)
          : this.write(method, request, context);
      };
    }
  }

  static async open(options: PartitionOwnerOptions): Promise<PartitionOwner> {
    const { host, site, partition, resources } = options;
    const log = new OperationLog(host.nc, host.jsm, {
      stream: operationLogStream(resources, site, partition.name),
      subject: `${resources.operationLogSubjectPrefix}.${site}.${partition.name}`,
    });
    await log.ensureStream();
    const snapshots = await SnapshotStore.open(host.nc, resources.snapshotBucket, `${site}.${partition.name}`);
    const owner = new PartitionOwner(options, log, snapshots, undefined);
    owner.lease = await Lease.open(host.nc, {
      bucket: resources.leaseBucket,
      key: `${site}-${partition.name}`,
      owner: options.source,
      ttlMs: options.leaseTtlMs,
      // A standby notices an expired lease within this: takeover ≈ TTL + interval + restore + replay.
      intervalMs: 250,
      logger: host.logger,
      standOffMs: options.standOffMs,
      onAcquired: () => owner.becomeOwner(),
      onLost: () => owner.stepDown('lease lost'),
    });
    return owner;
  }

  get isOwner(): boolean {
    return this.owner;
  }

  /** Holding the lease (the state may still be rebuilding): what counts for spreading partitions. */
  get holdsLease(): boolean {
    return this.lease?.held ?? false;
  }

  get name(): string {
    return this.options.partition.name;
  }

  /** Makes a first attempt at the lease, then keeps competing; resolves after the first attempt. */
  async start(): Promise<void> {
    await this.lease?.attempt().catch(() => false);
    if (!this.holdsLease) this.follower?.start();
    this.lease?.start();
  }

  /** Stops serving and hands the lease over at once (the RPC server first, so in-flight calls finish). */
  async close(): Promise<void> {
    this.owner = false;
    this.clock?.stop();
    clearInterval(this.reconciler);
    await this.natsServer?.close();
    await this.writes;
    await this.follower?.stop();
    await this.lease?.close();
    this.options.onOwnershipChange();
  }

  // ---- the write path -----------------------------------------------------------------------------------------

  /**
   * Calls change the state one at a time (in memory, fast); their log appends and event publications are then
   * pipelined, each call answering once its own operation is logged and its events stored.
   */
  private write(method: string, request: unknown, context?: CallContext): Promise<unknown> {
    const applied = this.writes.then(async () => {
      const state = this.machine;
      if (!this.owner || !state) throw notOwner(this.name);
      const at = Date.now();
      // Timers due by now fire as their own logged operation first: a call that is then refused must not take
      // their events (offer timeouts, state changes) down with it.
      const entries: LoggedEntry[] = [];
      const due = state.engine.nextTimerAt();
      if (method !== advanceMethod && due !== undefined && due <= at) {
        await state.apply(advanceMethod, undefined, at);
        entries.push(this.logApplied(state, advanceMethod, undefined, at));
      }
      try {
        const result = await state.apply(method, request, at, context);
        entries.push(this.logApplied(state, method, request, at));
        return { result, entries, error: undefined };
      } catch (error) {
        state.engine.drainEvents(); // a refused call changes nothing worth publishing
        return { result: undefined, entries, error };
      }
    });
    this.writes = applied.catch(() => undefined);
    return applied.then(async ({ result, entries, error }) => {
      for (const entry of entries) await this.publishLogged(entry);
      if (error !== undefined) throw error;
      return result;
    });
  }

  /** Appends the operation just applied (pipelined) and takes what must follow it: events, maybe a snapshot. */
  private logApplied(state: RoutingStateMachine, method: string, request: unknown, at: number): LoggedEntry {
    const events = state.drainEvents();
    this.decisionHooks.dispatch(state.engine.drainDecisionRequests());
    const appended = this.log.append({
      method,
      at,
      request: encodeRequest(method, request),
      publishedThrough: this.publications.publishedThrough,
    });
    const sequence = this.log.position;
    this.clock?.rearm();
    const snapshot = this.snapshotDue() ? { sequence, state: state.serialize() } : undefined;
    return { events, appended, snapshot };
  }

  /**
   * Once its append is confirmed: sends its events after the previous operation's (so the event stream keeps log
   * order) without waiting for their acks, then waits for its own; stores its snapshot once everything up to it
   * is stored.
   */
  private async publishLogged({ events, appended, snapshot }: LoggedEntry): Promise<void> {
    const previousSent = this.sendTurn;
    let sent!: () => void;
    this.sendTurn = new Promise((resolve) => (sent = resolve));
    let sequence: number;
    try {
      sequence = await appended;
    } catch (error) {
      sent();
      // Someone else appended (they own the lease now), or NATS refused: our memory is ahead of the log.
      await this.stepDown(`operation log append failed: ${error instanceof Error ? error.message : String(error)}`);
      throw notOwner(this.name);
    }
    await previousSent;
    // publishAll hands every message to the connection before its first await: this call fixes their order.
    const publication = publishEnvelopes(events, this.options.host.events, this.eventSource(), sequence);
    this.publications.sent(sequence);
    sent();
    try {
      await publication;
    } catch (error) {
      // Logged but not published: the event stream is behind the state. Whoever rebuilds from the log next (a
      // standby, or this replica) re-publishes everything after the last sequence recorded as published.
      await this.stepDown(`events not published: ${error instanceof Error ? error.message : String(error)}`);
      throw notOwner(this.name);
    }
    this.publications.markStored(sequence);
    if (snapshot)
      void this.publications
        .whenThrough(snapshot.sequence)
        .then(() => this.storeSnapshot(snapshot.sequence, snapshot.state));
  }

  private snapshotDue(): boolean {
    this.opsSinceSnapshot++;
    if (this.snapshotting) return false;
    const due =
      this.opsSinceSnapshot >= this.options.snapshotEveryOps ||
      Date.now() - this.lastSnapshotAt >= this.options.snapshotEveryMs;
    if (!due) return false;
    this.snapshotting = true;
    this.opsSinceSnapshot = 0;
    this.lastSnapshotAt = Date.now();
    return true;
  }

  /**
   * Stores the snapshot, then trims the log up to the *previous* snapshot: one generation of log stays, so even a
   * snapshot that failed to store, or an older one stored late by a deposed owner, still has its log behind it.
   */
  private async storeSnapshot(sequence: number, serialized: Uint8Array): Promise<void> {
    const started = Date.now();
    try {
      if (!this.lease?.held) return;
      const state = await compressSnapshot(serialized);
      await this.snapshots.save({ sequence, state });
      const trimThrough = this.snapshotSequence;
      this.snapshotSequence = sequence;
      const trimmed = trimThrough > 0 ? await this.log.trimThrough(trimThrough) : 0;
      this.logger.info({ sequence, bytes: state.length, ms: Date.now() - started, trimmed }, 'routing snapshot stored');
    } catch (error) {
      this.logger.warn({ err: error, sequence }, 'routing snapshot not stored; the log still holds everything');
    } finally {
      this.snapshotting = false;
    }
  }

  private eventSource() {
    return { site: this.options.site, source: this.options.source };
  }

  // ---- ownership ----------------------------------------------------------------------------------------------

  private async becomeOwner(): Promise<void> {
    const started = Date.now();
    const { partition } = this.options;
    const { state, replayed, hot } = await this.rebuild();
    // One pipelined batch, in log order; JetStream drops the ones the previous owner had already stored.
    await this.options.host.events.publishAll(state.recentEnvelopes(this.eventSource()), 256);
    if (!this.lease?.held) {
      this.follower?.start(); // lost it while rebuilding
      return;
    }
    this.machine = state.machine;
    this.publications = new PublicationProgress(state.sequence);
    this.snapshotting = false; // a snapshot of a previous term may still wait for publications that never came
    this.snapshotSequence = await this.snapshots.storedSequence();
    this.opsSinceSnapshot = Math.max(0, state.sequence - this.snapshotSequence);
    this.lastSnapshotAt = Date.now();
    // The tick is logged like any call; write() stamps it with its own time.
    this.clock = new EngineClock(state.machine.engine, async () => void (await this.write(advanceMethod, undefined)));
    this.owner = true;
    this.natsServer = new NatsRpcServer(this.options.host.nc, this.options.host.logger);
    this.natsServer.serve(
      RoutingServiceService,
      this.handlers as unknown as ContractHandlers<typeof RoutingServiceService>,
      {
        domain: partitionRpcDomain(this.options.resources.rpcDomainPrefix, partition.name),
      },
    );
    this.clock.rearm();
    this.reconciler = setInterval(() => {
      void this.write(reconcileMethod, undefined)
        .then((repairs) => {
          if (typeof repairs === 'number' && repairs > 0)
            this.logger.error({ repairs }, 'reconciler repaired impossible states');
        })
        .catch(() => undefined);
    }, this.options.reconcileEveryMs);
    this.options.onOwnershipChange();
    this.logger.info({ hot, replayed, ms: Date.now() - started }, 'took over the routing partition');
  }

  /**
   * The state as the log has it now: the hot standby's copy brought up to date, or (cold, or if that copy fell
   * behind a log trim) the stored snapshot plus everything logged after it. Also leaves the log positioned for
   * appends.
   */
  private async rebuild(): Promise<{ state: ReplayedState; replayed: number; hot: boolean }> {
    const followed = await this.follower?.stop();
    if (followed) {
      try {
        return { state: followed, replayed: await followed.catchUp(this.log), hot: true };
      } catch (error) {
        this.logger.warn({ err: error }, 'standby copy unusable; restoring from the snapshot');
      }
    }
    const { site, partition } = this.options;
    const state = await ReplayedState.fromSnapshot(this.snapshots, site, partition, republishWindowMs);
    return { state, replayed: await state.catchUp(this.log), hot: false };
  }

  /**
   * Losing ownership (lease lost, append refused, NATS gone too long) drops the in-memory state and goes back to
   * standing by: the lease loop keeps trying, and whoever owns next — this replica included — rebuilds.
   */
  private async stepDown(why: string): Promise<void> {
    if (!this.owner) return;
    this.owner = false;
    this.machine = undefined;
    this.clock?.stop();
    clearInterval(this.reconciler);
    this.options.onOwnershipChange();
    this.logger.error({ why }, 'no longer the partition owner; standing by');
    const server = this.natsServer;
    this.natsServer = undefined;
    await server?.close();
    // Still holding the lease (an append failed on its own): give it up so the state is rebuilt from the log.
    if (this.lease?.held) await this.lease.release();
    this.follower?.start();
  }
}

export function notOwner(partition: string): ParleyError {
  return new ParleyError(
    'PARLEY_ROUTING_PARTITION_UNAVAILABLE',
    `routing partition "${partition}" is changing owner; retry`,
    { status: Status.UNAVAILABLE, domain: 'routing' },
  );
}
