// Whether an agent still has a tab open: routing keeps offering work to a logged-in agent, so an agent whose last
// tab has been gone longer than the grace period (a reload or a network blip reconnects within it) is logged out
// of routing — forcibly, so interactions in progress continue but no new offer rings into the void.
import type { Logger, RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';

export class AgentPresence {
  private readonly tabs = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly routing: RpcClient<typeof RoutingServiceService>,
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {}

  opened(agentId: string): void {
    this.tabs.set(agentId, (this.tabs.get(agentId) ?? 0) + 1);
    clearTimeout(this.leaving.get(agentId));
    this.leaving.delete(agentId);
  }

  closed(agentId: string): void {
    const left = (this.tabs.get(agentId) ?? 1) - 1;
    if (left > 0) return void this.tabs.set(agentId, left);
    this.tabs.delete(agentId);
    const timer = setTimeout(() => {
      this.leaving.delete(agentId);
      this.routing
        .logoutAgent({
          agentId,
          force: true,
          actor: Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'api' }),
        })
        .then(
          () => this.logger.info({ agentId }, 'last tab gone: agent logged out of routing'),
          (error: unknown) => this.logger.warn({ err: error, agentId }, 'could not log out an agent without tabs'),
        );
    }, this.graceMs);
    timer.unref();
    this.leaving.set(agentId, timer);
  }

  close(): void {
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
  }
}
