// A hot standby for one partition: while another replica owns it, this one keeps its own copy of the state current
// by applying the owner's operation log every few hundred milliseconds. A takeover then only applies the last
// moments of the log, instead of restoring the snapshot and replaying everything after it — takeover time no
// longer grows with the size of the state.
import type { Logger } from '@parley/kit';
import type { OperationLog } from './adapters/operation-log.js';
import { ReplayedState } from './adapters/replayed-state.js';
import type { SnapshotStore } from './adapters/snapshot-store.js';
import type { RoutingPartition } from './partitions/index.js';

export interface PartitionFollowerOptions {
  log: OperationLog;
  snapshots: SnapshotStore;
  site: string;
  partition: RoutingPartition;
  /** Pause between catch-ups. */
  everyMs: number;
  keepEventsMs: number;
  logger: Logger;
}

export class PartitionFollower {
  private state: ReplayedState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private following = false;
  private restores = 0;

  constructor(private readonly options: PartitionFollowerOptions) {}

  /** The last log sequence the copy includes (undefined: no copy yet). */
  get sequence(): number | undefined {
    return this.state?.sequence;
  }

  /** How many times the copy was (re)built from the stored snapshot. */
  get restoredFromSnapshot(): number {
    return this.restores;
  }

  start(): void {
    if (this.following) return;
    this.following = true;
    this.schedule(0);
  }

  /** Stops following and hands over the state it has: current up to its `sequence`, or undefined if it has none. */
  async stop(): Promise<ReplayedState | undefined> {
    this.following = false;
    clearTimeout(this.timer);
    await this.running;
    const state = this.state;
    this.state = undefined;
    return state;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.catchUp().finally(() => {
        if (this.following) this.schedule(this.options.everyMs);
      });
    }, delayMs);
  }

  private async catchUp(): Promise<void> {
    const { log, snapshots, site, partition, keepEventsMs, logger } = this.options;
    try {
      if (!this.state) {
        this.state = await ReplayedState.fromSnapshot(snapshots, site, partition, keepEventsMs);
        this.restores++;
      }
      await this.state.catchUp(log, () => !this.following);
    } catch (error) {
      // Fell behind a log trim, or NATS is away: start again from the latest snapshot next time.
      this.state = undefined;
      logger.warn({ err: error }, 'standby copy of the partition dropped; rebuilding it from the snapshot');
    }
  }
}
