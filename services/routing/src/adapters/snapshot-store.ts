// Where a partition's state snapshots live: a JetStream object store (snapshots of 100,000 waiting interactions
// exceed a KV value's size, the object store chunks them). One object per partition, replaced atomically by each
// new snapshot; the log sequence it covers is framed into the object itself so the two can never disagree.
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';

export interface StoredSnapshot {
  /** The last operation log sequence the snapshot includes: replay continues after it. */
  sequence: number;
  state: Uint8Array;
}

const headerBytes = 8;

export class SnapshotStore {
  private constructor(
    private readonly store: ObjectStore,
    private readonly name: string,
  ) {}

  static async open(nc: NatsConnection, bucket: string, name: string): Promise<SnapshotStore> {
    return new SnapshotStore(await new Objm(nc).create(bucket), name);
  }

  async load(): Promise<StoredSnapshot | undefined> {
    const blob = await this.store.getBlob(this.name);
    if (!blob) return undefined;
    if (blob.length < headerBytes) throw new Error(`routing snapshot ${this.name} is truncated`);
    const sequence = Number(new DataView(blob.buffer, blob.byteOffset, headerBytes).getBigUint64(0));
    return { sequence, state: blob.subarray(headerBytes) };
  }

  /** The sequence of the stored snapshot (0 = none), without downloading it. */
  async storedSequence(): Promise<number> {
    const info = await this.store.info(this.name);
    return info && !info.deleted ? Number(info.metadata?.sequence ?? 0) : 0;
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    const framed = new Uint8Array(headerBytes + snapshot.state.length);
    new DataView(framed.buffer).setBigUint64(0, BigInt(snapshot.sequence));
    framed.set(snapshot.state, headerBytes);
    await this.store.putBlob(
      { name: this.name, metadata: { sequence: String(snapshot.sequence), takenAt: new Date().toISOString() } },
      framed,
    );
  }

  /** Removes every snapshot of this store's bucket (tests and benchmarks clean up with it). */
  async destroy(): Promise<void> {
    await this.store.destroy();
  }
}
