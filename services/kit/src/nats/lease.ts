// A lease on a key in a JetStream KV bucket: at most one owner at a time, taken over by someone else when the owner
// stops renewing (crash, partition) for longer than the bucket's TTL. Ownership is fenced by the key's revision:
// an owner that was paused past its TTL learns it lost the lease on its next renewal and must stop acting.
// NATS 2.9 has no per-key TTL, so the bucket's max age is the lease TTL (one bucket per lease kind).
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export interface LeaseOptions {
  bucket: string;
  key: string;
  /** Who holds it: "<service>/<instance>", shown to anyone reading the key. */
  owner: string;
  /** How long a lease lives without renewal (the bucket's max age). */
  ttlMs: number;
  /** How often the owner renews and a standby tries to take over (default ttl / 3). */
  intervalMs?: number;
  logger: Logger;
  /** Called (not awaited: renewals continue) when the lease is taken. */
  onAcquired?: (revision: number) => void | Promise<void>;
  /** Called when a renewal fails: someone else may own it now; stop acting on its behalf at once. */
  onLost?: () => void | Promise<void>;
  /**
   * How long to let a vacant lease stay vacant before taking it (default 0). A replica that already owns other
   * leases stands off longer, so the least loaded replica takes a partition and the load spreads without a
   * coordinator; a vacant lease is still taken by someone within the longest stand-off.
   */
  standOffMs?: () => number;
}

export class Lease {
  private revision = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  /** When this replica first saw the key vacant (stand-off), undefined while someone holds it. */
  private vacantSince: number | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly options: LeaseOptions,
  ) {
    this.logger = options.logger.child({ module: 'lease', bucket: options.bucket, key: options.key });
    this.intervalMs = options.intervalMs ?? Math.max(50, Math.floor(options.ttlMs / 3));
  }

  static async open(nc: NatsConnection, options: LeaseOptions): Promise<Lease> {
    const kv = await new Kvm(nc).create(options.bucket, { ttl: options.ttlMs, history: 1 });
    return new Lease(kv, options);
  }

  get held(): boolean {
    return this.revision > 0;
  }

  /** One attempt: take the lease if nobody holds it (or renew it if we do). Returns whether we hold it now. */
  async attempt(): Promise<boolean> {
    if (this.closed) return false;
    if (this.held) return this.renew();
    if (!(await this.standOffOver())) return false;
    try {
      this.revision = await this.kv.create(this.options.key, this.options.owner);
      this.vacantSince = undefined;
    } catch {
      return false; // someone holds it (or NATS is unreachable): try again next interval
    }
    this.logger.info({ owner: this.options.owner, revision: this.revision }, 'lease acquired');
    // Not awaited: taking over may be slow (rebuilding state) and renewals must go on meanwhile.
    const revision = this.revision;
    void Promise.resolve()
      .then(() => this.options.onAcquired?.(revision))
      .catch((error: unknown) => this.logger.error({ err: error }, 'lease holder failed to take over'));
    return true;
  }

  private async standOffOver(): Promise<boolean> {
    const standOff = this.options.standOffMs?.() ?? 0;
    if (standOff <= 0) return true;
    const entry = await this.kv.get(this.options.key).catch(() => null);
    if (entry && entry.operation === 'PUT') {
      this.vacantSince = undefined;
      return false;
    }
    this.vacantSince ??= Date.now();
    return Date.now() - this.vacantSince >= standOff;
  }

  private async renew(): Promise<boolean> {
    try {
      this.revision = await this.kv.update(this.options.key, this.options.owner, this.revision);
      return true;
    } catch (error) {
      this.revision = 0;
      this.logger.warn({ err: error }, 'lease lost');
      await this.options.onLost?.();
      return false;
    }
  }

  /** Keeps trying to acquire, and renews while held, every interval, until close(). */
  start(): void {
    const tick = async () => {
      await this.attempt().catch((error: unknown) => this.logger.error({ err: error }, 'lease attempt failed'));
      if (!this.closed) this.timer = setTimeout(() => void tick(), this.intervalMs);
    };
    void tick();
  }

  /** Idempotent: stops renewing and, if held, gives the lease up at once (revision-checked) for a fast hand-over. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    if (!this.held) return;
    const revision = this.revision;
    this.revision = 0;
    await this.kv.delete(this.options.key, { previousSeq: revision }).catch(() => undefined);
  }

  /** Gives the lease up now (revision-checked) but keeps competing for it. */
  async release(): Promise<void> {
    if (!this.held) return;
    const revision = this.revision;
    this.revision = 0;
    await this.kv.delete(this.options.key, { previousSeq: revision }).catch(() => undefined);
  }

  /** Stops renewing without giving the lease up, as a crashed owner would; for tests. */
  abandon(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
