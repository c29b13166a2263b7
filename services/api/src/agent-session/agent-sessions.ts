// Each agent's session across their tabs, on this API replica: routing's offer events for the agent numbered in
// order and kept for the grace period, delivered to every open tab, and replayed to a tab that reconnects with the
// last number it saw (a reload or a network blip misses nothing). When the last tab has been gone longer than the
// grace, the agent is logged out of routing — forcibly, so calls in progress go on but no new offer rings into the
// void — and the session is forgotten.
import type { Logger, RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { EventFeed } from '@parley/kit';

/** A message for the agent with its number in the session. */
export interface Numbered {
  seq: number;
  event: Envelope;
}

export type Deliver = (message: Numbered) => void;

interface Session {
  tabs: Set<Deliver>;
  seq: number;
  kept: (Numbered & { at: number })[];
  stopFeed: () => void;
  logout: NodeJS.Timeout | undefined;
}

export interface Attached {
  detach(): void;
  /** The session's latest number now. */
  seq: number;
  /** Messages replayed to the tab. */
  replayed: number;
  /** Some messages after `resumeFrom` are no longer kept (or this replica never had them): the tab must reload. */
  gap: boolean;
}

export class AgentSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly routing: RpcClient<typeof RoutingServiceService>,
    private readonly offers: EventFeed,
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {}

  /** A tab of the agent opens; `resumeFrom` is the last number it saw before reconnecting. */
  attach(agentId: string, deliver: Deliver, resumeFrom?: number): Attached {
    const known = this.sessions.get(agentId);
    const session = known ?? this.open(agentId);
    clearTimeout(session.logout);
    session.logout = undefined;
    this.forgetOld(session);
    let replayed = 0;
    let gap = false;
    if (resumeFrom !== undefined) {
      const oldestKept = session.kept[0]?.seq ?? session.seq + 1;
      gap = !known ? resumeFrom > 0 : resumeFrom < oldestKept - 1 || resumeFrom > session.seq;
      for (const message of session.kept) {
        if (message.seq > resumeFrom) {
          deliver({ seq: message.seq, event: message.event });
          replayed += 1;
        }
      }
    }
    session.tabs.add(deliver);
    return { detach: () => this.detach(agentId, session, deliver), seq: session.seq, replayed, gap };
  }

  close(): void {
    for (const session of this.sessions.values()) {
      clearTimeout(session.logout);
      session.stopFeed();
    }
    this.sessions.clear();
  }

  private open(agentId: string): Session {
    const session: Session = { tabs: new Set(), seq: 0, kept: [], stopFeed: () => undefined, logout: undefined };
    session.stopFeed = this.offers.listen(agentId, (event) => {
      session.seq += 1;
      const message = { seq: session.seq, event };
      session.kept.push({ ...message, at: Date.now() });
      this.forgetOld(session);
      for (const deliver of session.tabs) deliver(message);
    });
    this.sessions.set(agentId, session);
    return session;
  }

  private detach(agentId: string, session: Session, deliver: Deliver): void {
    session.tabs.delete(deliver);
    if (session.tabs.size > 0 || this.sessions.get(agentId) !== session) return;
    session.logout = setTimeout(() => {
      session.stopFeed();
      this.sessions.delete(agentId);
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
    session.logout.unref();
  }

  private forgetOld(session: Session): void {
    const oldest = Date.now() - this.graceMs;
    while (session.kept.length > 0 && session.kept[0]!.at < oldest) session.kept.shift();
  }
}
