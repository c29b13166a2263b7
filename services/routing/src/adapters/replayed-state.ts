// A partition's state rebuilt from what the owner left on NATS: the stored snapshot, then the operation log after
// it, applied to the same deterministic state machine the owner runs. Keeps the events of the operations the owner
// had not yet said were published (each append carries how far its publications got), because it may have logged
// an operation and died before publishing its events: whoever takes over re-publishes them (ids derive from the log
// sequence, so JetStream keeps each event once).
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { RoutingEvent } from '../domain/events.js';
import type { RoutingPartition } from '../partitions/index.js';
import { operationEnvelopes } from './event-publishing.js';
import { decodeRequest } from './operation-codec.js';
import type { OperationLog } from './operation-log.js';
import { RoutingStateMachine } from './routing-state-machine.js';
import type { SnapshotStore } from './snapshot-store.js';

interface RecentOperation {
  sequence: number;
  at: number;
  events: RoutingEvent[];
}

export class ReplayedState {
  private recent: RecentOperation[] = [];
  /** The highest sequence the owner recorded as published. */
  private publishedThrough = 0;

  private constructor(
    readonly machine: RoutingStateMachine,
    /** The last log sequence applied. */
    private appliedThrough: number,
    /** How far back (engine time) the events of applied operations are kept for re-publishing. */
    private readonly keepEventsMs: number,
  ) {}

  /** The stored snapshot restored (an empty state when there is none), nothing of the log applied yet. */
  static async fromSnapshot(
    snapshots: SnapshotStore,
    site: string,
    partition: RoutingPartition,
    keepEventsMs: number,
  ): Promise<ReplayedState> {
    const stored = await snapshots.load();
    const machine = stored
      ? RoutingStateMachine.restore(site, stored.state, partition)
      : new RoutingStateMachine(site, partition);
    return new ReplayedState(machine, stored?.sequence ?? 0, keepEventsMs);
  }

  get sequence(): number {
    return this.appliedThrough;
  }

  /**
   * Applies every operation logged after the ones already applied, stopping early if `stop()` turns true (the
   * state stays consistent: it is always "everything through `sequence`"). Returns how many were applied. Throws if
   * the log no longer holds what comes next (trimmed behind a newer snapshot): start again from the snapshot.
   */
  async catchUp(log: OperationLog, stop: () => boolean = () => false): Promise<number> {
    let applied = 0;
    for await (const { sequence, operation } of log.readAfter(this.appliedThrough)) {
      const request = decodeRequest(operation.method, operation.request);
      // Refused when it ran, refused now: it changed nothing then either.
      await this.machine.apply(operation.method, request, operation.at).catch(() => undefined);
      const events = this.machine.drainEvents();
      // Hooks are not asked again: the engine's decision deadline falls back for interactions still deciding.
      this.machine.engine.drainDecisionRequests();
      if (events.length > 0) this.recent.push({ sequence, at: operation.at, events });
      if (operation.publishedThrough !== undefined && operation.publishedThrough > this.publishedThrough) {
        this.publishedThrough = operation.publishedThrough;
        this.recent = this.recent.filter((recent) => recent.sequence > this.publishedThrough);
      }
      this.appliedThrough = sequence;
      applied++;
      if (stop()) break;
    }
    this.forgetOlderThan(Date.now() - this.keepEventsMs);
    return applied;
  }

  /** The envelopes of the operations not known to be published (and within the keep window), in log order. */
  recentEnvelopes(context: { site: string; source: string }): Envelope[] {
    this.forgetOlderThan(Date.now() - this.keepEventsMs);
    return this.recent.flatMap(({ events, sequence }) => operationEnvelopes(events, context, sequence));
  }

  private forgetOlderThan(at: number): void {
    const firstKept = this.recent.findIndex((operation) => operation.at >= at);
    this.recent = firstKept < 0 ? [] : this.recent.slice(firstKept);
  }
}
