// Which API replicas hold open tabs of an agent, shared through a JetStream KV bucket: one key per agent and
// replica (`<agentId>.<replicaId>`), refreshed while tabs are open and expiring on its own when a replica dies. The
// replica whose last tab of an agent closes logs the agent out only if no other replica still has one — an agent
// with a tab on each of two replicas stays logged in when one tab goes. Refreshes are spread over the interval
// (2,000 agents written at once stalled the process for 90–240 ms) and go through the kit's reply mux.
import { openKeyValue, publishToStream, type KV, type Logger, type NatsConnection } from '@parley/kit';

export interface PresenceConfig {
  bucket: string;
  /** A replica's entry older than this is gone (the bucket's max age); refreshed at a third of it. */
  ttlMs: number;
}

export const defaultPresence: PresenceConfig = { bucket: 'parley_agent_presence', ttlMs: 30_000 };

export class AgentPresence {
  /** Agents with a tab here, and when each is next refreshed. */
  private readonly present = new Map<string, number>();
  private readonly refresher: NodeJS.Timeout;
  private readonly refreshEveryMs: number;
  readonly ttlMs: number;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly bucket: string,
    private readonly replicaId: string,
    config: PresenceConfig,
    private readonly logger: Logger,
  ) {
    this.ttlMs = config.ttlMs;
    this.refreshEveryMs = Math.max(1_000, Math.floor(config.ttlMs / 3));
    this.refresher = setInterval(() => this.refreshDue(), Math.min(250, this.refreshEveryMs / 4));
    this.refresher.unref();
  }

  static async open(nc: NatsConnection, replicaId: string, config: PresenceConfig, logger: Logger) {
    const kv = await openKeyValue(nc, config.bucket, { ttl: config.ttlMs });
    // A KV key token: host names carry dots.
    return new AgentPresence(nc, kv, config.bucket, replicaId.replace(/[^A-Za-z0-9_-]/g, '_'), config, logger);
  }

  /** This replica has a tab of the agent. */
  async here(agentId: string): Promise<void> {
    // The first refresh falls somewhere in the interval, so agents who arrived together are not refreshed together.
    this.present.set(agentId, Date.now() + this.refreshEveryMs * (0.5 + Math.random() / 2));
    await this.write(agentId);
  }

  /** This replica's last tab of the agent is gone. */
  async gone(agentId: string): Promise<void> {
    this.present.delete(agentId);
    await this.kv.delete(this.key(agentId));
  }

  /** Whether another replica holds a tab of the agent now. */
  async elsewhere(agentId: string): Promise<boolean> {
    const keys = await this.kv.keys(`${agentId}.*`);
    for await (const key of keys) if (key !== this.key(agentId)) return true;
    return false;
  }

  close(): void {
    clearInterval(this.refresher);
  }

  private refreshDue(now = Date.now()): void {
    for (const [agentId, due] of this.present) {
      if (due > now) continue;
      this.present.set(agentId, now + this.refreshEveryMs);
      this.write(agentId).catch((error: unknown) =>
        this.logger.warn({ err: error, agentId }, 'agent presence not refreshed'),
      );
    }
  }

  /** A KV put is a publish to the bucket's stream subject; through the reply mux it costs no Error per write. */
  private async write(agentId: string): Promise<void> {
    const value = new TextEncoder().encode(String(Date.now()));
    await publishToStream(this.nc, `$KV.${this.bucket}.${this.key(agentId)}`, value);
  }

  private key(agentId: string): string {
    return `${agentId}.${this.replicaId}`;
  }
}
