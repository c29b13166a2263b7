// The routing state as a deterministic state machine: the engine, the contract's handlers and their catalog,
// driven by (method, request, time). Live calls and log replay go through the same apply(), which is what makes a
// replayed standby identical to the owner it replaces.
import { deterministicUlid, type CallContext, type ContractHandlers } from '@parley/kit';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { RoutingCatalogSnapshot, RoutingStateSnapshot } from '@parley/protos/parley/routing/v1/state_snapshot';
import { promisify } from 'node:util';
import { gunzipSync, gzip, gzipSync } from 'node:zlib';
import type { HookDecision } from '../domain/decisions.js';
import type { RoutingEvent } from '../domain/events.js';
import { RoutingEngine } from '../domain/engine.js';
import type { EngineState } from '../domain/engine-snapshot.js';
import { toQueueConfig } from '../rpc/mappers.js';
import { createRoutingHandlers, RoutingCatalog } from '../rpc/routing-handlers.js';
import type { RoutingPartition } from '../partitions/index.js';
import { encodeStateSnapshot } from './snapshot-encoding.js';

export { decodeDecision, encodeDecision } from './decision-codec.js';

// Level 1: most of the size win for a fraction of the time.
const snapshotGzip = { level: 1 };
const gzipAsync = promisify(gzip);

/** Compresses a serialize()d state in libuv's thread pool, so the owner keeps serving meanwhile. */
export async function compressSnapshot(serialized: Uint8Array): Promise<Uint8Array> {
  return gzipAsync(serialized, snapshotGzip);
}

export type RoutingHandlers = ContractHandlers<typeof RoutingServiceService>;
export type RoutingMethod = keyof RoutingHandlers;

/** Methods that only read: not logged, not serialised with the writes. */
export const readOnlyMethods: ReadonlySet<string> = new Set([
  'getAgent',
  'listAgents',
  'getQueue',
  'listQueues',
  'validateSkillsExpression',
  'getInteractionPosition',
  'getQueueSnapshot',
  'getAgentSnapshot',
  'listWrapUpCodes',
  'listNotReadyReasons',
  'listSites',
]);

export const advanceMethod = '__advance';
/** The periodic self-repair, logged like any call so a replay repeats it. */
export const reconcileMethod = '__reconcile';
/** A decision hook's answer (HookDecision, logged as encodeDecision bytes): asking is I/O, so it comes back. */
export const decideMethod = '__decide';

const replayContext: CallContext = {
  method: 'replay',
  transport: 'nats',
  deadline: undefined,
  signal: new AbortController().signal,
  metadata: {},
};

/** The snapshot format this code writes and reads (RoutingStateSnapshot.version). */
const snapshotVersion = 1;

interface RestoredState {
  time: number;
  offersIssued: number;
  engine: EngineState;
  catalog: RoutingCatalogSnapshot;
}

export class RoutingStateMachine {
  readonly engine: RoutingEngine;
  readonly handlers: RoutingHandlers;
  private readonly catalog: RoutingCatalog;
  private time = 0;
  /** Offer ids are derived from this count, so a restored machine continues the same id sequence. */
  private offersIssued = 0;

  /** `partition` (default: every site) bounds the sites of the agents and queues this state accepts. */
  constructor(site: string, partition?: RoutingPartition, restored?: RestoredState) {
    const options = { newId: () => deterministicUlid(this.time, `${site}:offer:${++this.offersIssued}`) };
    if (restored) {
      this.time = restored.time;
      this.offersIssued = restored.offersIssued;
      this.catalog = RoutingCatalog.fromState(restored.catalog);
      const queues = [...this.catalog.queues.values()].map(toQueueConfig);
      this.engine = RoutingEngine.fromState(restored.engine, options, queues);
    } else {
      this.catalog = new RoutingCatalog();
      this.engine = new RoutingEngine(options);
    }
    // Events are published by the caller after the operation is logged, so the handlers' own commit does nothing.
    this.handlers = createRoutingHandlers({
      engine: this.engine,
      catalog: this.catalog,
      now: () => this.time,
      commit: async () => undefined,
      ...(partition ? { partition } : {}),
    });
  }

  /**
   * The whole state, uncompressed; take it between operations (no events pending). This part is synchronous — the
   * owner pauses writes for it — so compressing is left to compressSnapshot(), off the main thread.
   */
  serialize(): Uint8Array {
    return encodeStateSnapshot({
      version: snapshotVersion,
      time: this.time,
      offersIssued: this.offersIssued,
      engineJson: Buffer.from(JSON.stringify(this.engine.exportState())),
      catalog: this.catalog.exportState(),
    });
  }

  /** serialize() and compress in one go (tests, benchmarks). */
  snapshot(): Uint8Array {
    return gzipSync(this.serialize(), snapshotGzip);
  }

  /** A machine identical to the one that took the snapshot: same results and events for the same operations. */
  static restore(site: string, bytes: Uint8Array, partition?: RoutingPartition): RoutingStateMachine {
    const snapshot = RoutingStateSnapshot.decode(gunzipSync(bytes));
    if (snapshot.version !== snapshotVersion)
      throw new Error(
        `routing snapshot version ${snapshot.version} is not supported (this replica reads ${snapshotVersion})`,
      );
    return new RoutingStateMachine(site, partition, {
      time: snapshot.time,
      offersIssued: snapshot.offersIssued,
      engine: JSON.parse(Buffer.from(snapshot.engineJson).toString()) as EngineState,
      catalog: snapshot.catalog ?? RoutingCatalogSnapshot.fromPartial({}),
    });
  }

  /**
   * The events of the operation just applied; each offer carries the interaction's customer and attributes from the
   * catalog (the same on a standby replaying the log, so the envelopes stay identical).
   */
  drainEvents(): RoutingEvent[] {
    return this.engine.drainEvents().map((event) => {
      if (event.type !== 'offer.created') return event;
      const stored = this.catalog.interactions.get(event.interactionId);
      if (!stored) return event;
      const customer = stored.customer ? { ...stored.customer } : undefined;
      return {
        ...event,
        about: { customer, attributes: stored.attributes, entryPoint: stored.entryPoint, callId: stored.callId },
      };
    });
  }

  /** Runs one state-changing operation at time `at`. */
  async apply(method: string, request: unknown, at: number, context: CallContext = replayContext): Promise<unknown> {
    this.time = at;
    if (method === advanceMethod) {
      this.engine.advance(at);
      return undefined;
    }
    if (method === reconcileMethod) return this.engine.reconcile(at);
    if (method === decideMethod) {
      const decision = request as HookDecision;
      return this.engine.decide(decision.interactionId, decision.agentIds, at, decision);
    }
    const handler = (this.handlers as unknown as Record<string, (r: unknown, c: CallContext) => Promise<unknown>>)[
      method
    ];
    if (!handler) throw new Error(`unknown routing method ${method}`);
    return handler(request, context);
  }

  /** Runs a read at the current wall-clock time. */
  read(method: string, request: unknown, context: CallContext): Promise<unknown> {
    return this.apply(method, request, Date.now(), context);
  }
}
