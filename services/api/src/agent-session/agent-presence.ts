// Which API replicas hold open tabs of an agent, shared through a JetStream KV bucket: one key per agent and
// replica (`<agentId>.<replicaId>`), refreshed while tabs are open and expiring on its own when a replica dies. The
// replica whose last tab of an agent closes logs the agent out only if no other replica still has one — an agent
// with a tab on each of two replicas stays logged in when one tab goes.
import { openKeyValue, type KV, type Logger, type NatsConnection } from '@parley/kit';

export interface PresenceConfig {
  bucket: string;
  /** A replica's entry older than this is gone (the bucket's max age); refreshed at a third of it. */
  ttlMs: number;
}

export const defaultPresence: PresenceConfig = { bucket: 'parley_agent_presence', ttlMs: 30_000 };

export class AgentPresence {
  private readonly present = new Set<string>();
  private readonly refresher: NodeJS.Timeout;

  readonly ttlMs: number;

  private constructor(
    private readonly kv: KV,
    private readonly replicaId: string,
    config: PresenceConfig,
    private readonly logger: Logger,
  ) {
    this.ttlMs = config.ttlMs;
    this.refresher = setInterval(() => this.refresh(), Math.max(1_000, Math.floor(config.ttlMs / 3)));
    this.refresher.unref();
  }

  static async open(nc: NatsConnection, replicaId: string, config: PresenceConfig, logger: Logger) {
    const kv = await openKeyValue(nc, config.bucket, { ttl: config.ttlMs });
    // A KV key token: host names carry dots.
    return new AgentPresence(kv, replicaId.replace(/[^A-Za-z0-9_-]/g, '_'), config, logger);
  }

  /** This replica has a tab of the agent. */
  async here(agentId: string): Promise<void> {
    this.present.add(agentId);
    await this.kv.put(this.key(agentId), String(Date.now()));
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

  private refresh(): void {
    for (const agentId of this.present)
      this.kv
        .put(this.key(agentId), String(Date.now()))
        .catch((error: unknown) => this.logger.warn({ err: error, agentId }, 'agent presence not refreshed'));
  }

  private key(agentId: string): string {
    return `${agentId}.${this.replicaId}`;
  }
}
