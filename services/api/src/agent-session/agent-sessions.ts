// Each agent's session across their tabs, on this API replica: routing's events for the agent (offers, state,
// interactions) and the entries of the chats the agent is connected to, numbered in order and kept for the grace
// period, delivered to every open tab, and replayed to a tab that reconnects with the last number it saw (a reload
// or a network blip misses nothing). When the last tab has been gone longer than the grace, the agent is logged out
// of routing — forcibly, so conversations in progress go on but no new offer rings into the void — and the session
// is forgotten.
import type { EventFeed, Logger, RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { ChatConversations } from '../chat/chat-conversations.js';
import { followWithTranscript } from '../chat/follow-chat.js';
import type { AgentPush } from './agent-messages.js';
import type { AgentPresence } from './agent-presence.js';
import { pushFor } from './agent-pushes.js';
import type { ScreenPop } from './screen-pop.js';

/** A message for the agent with its number in the session. */
export interface Numbered {
  seq: number;
  push: AgentPush;
}

export type Deliver = (message: Numbered) => void;

interface Session {
  agentId: string;
  tabs: Set<Deliver>;
  seq: number;
  kept: (Numbered & { at: number })[];
  stopFeeds: (() => void)[];
  /** Chats the agent is connected to, by interaction id: how to stop following each. */
  chats: Map<string, () => void>;
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

const CONVERSATION_OVER = new Set(['interaction.completed', 'interaction.transferred']);

export class AgentSessions {
  private readonly sessions = new Map<string, Session>();

  /** `feeds`: routing's events of the site keyed by agent id (offer.*, interaction.*, agent.*). */
  constructor(
    private readonly routing: RpcClient<typeof RoutingServiceService>,
    private readonly feeds: readonly EventFeed[],
    private readonly chats: ChatConversations | undefined,
    private readonly screenPop: ScreenPop | undefined,
    private readonly graceMs: number,
    private readonly logger: Logger,
    /** Tabs on other replicas (without it, this replica alone decides). */
    private readonly presence?: AgentPresence,
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
          deliver({ seq: message.seq, push: message.push });
          replayed += 1;
        }
      }
    }
    session.tabs.add(deliver);
    this.presence
      ?.here(agentId)
      .catch((error: unknown) => this.logger.warn({ err: error, agentId }, 'agent presence not recorded'));
    return { detach: () => this.detach(agentId, session, deliver), seq: session.seq, replayed, gap };
  }

  /** Whether the agent is connected to this chat (only then may the agent write in it). */
  inChat(agentId: string, interactionId: string): boolean {
    return this.sessions.get(agentId)?.chats.has(interactionId) ?? false;
  }

  /**
   * The agent handed the chat on (a transfer): no longer followed or written in here. (Routing's
   * interaction.transferred names no agent, so the event alone cannot say whose chat it was.)
   */
  leftChat(agentId: string, interactionId: string): void {
    const session = this.sessions.get(agentId);
    session?.chats.get(interactionId)?.();
    session?.chats.delete(interactionId);
  }

  /** Shutting down: this replica's tabs are gone (their agents' presence here too, so others need not wait). */
  async close(): Promise<void> {
    const agents = [...this.sessions.keys()];
    for (const session of this.sessions.values()) this.stop(session);
    this.sessions.clear();
    await Promise.all(agents.map((agentId) => this.presence?.gone(agentId).catch(() => undefined)));
  }

  private open(agentId: string): Session {
    const session: Session = {
      agentId,
      tabs: new Set(),
      seq: 0,
      kept: [],
      stopFeeds: [],
      chats: new Map(),
      logout: undefined,
    };
    session.stopFeeds = this.feeds.map((feed) => feed.listen(agentId, (event) => this.onEvent(session, event)));
    this.sessions.set(agentId, session);
    // Conversations the agent already holds (a tab back after the grace, or on another replica) are followed too.
    this.routing.getAgent({ agentId }).then(
      ({ agent }) => {
        for (const interactionId of agent?.status?.interactionIds ?? []) this.followChat(session, interactionId);
      },
      (error: unknown) => this.logger.debug({ err: error, agentId }, 'no routing agent for the session'),
    );
    return session;
  }

  private onEvent(session: Session, event: Envelope): void {
    const push = pushFor(event);
    if (push) this.emit(session, push);
    if (event.type === 'offer.created' && this.screenPop)
      this.screenPop.contextFor(event.interactionId, event.offerCreated?.interaction).then(
        (context) => context && this.emit(session, context),
        (error: unknown) => this.logger.debug({ err: error }, 'no screen-pop'),
      );
    if (event.type === 'interaction.connected') this.followChat(session, event.interactionId);
    if (CONVERSATION_OVER.has(event.type)) {
      session.chats.get(event.interactionId)?.();
      session.chats.delete(event.interactionId);
    }
  }

  private emit(session: Session, push: AgentPush): void {
    session.seq += 1;
    const message = { seq: session.seq, push };
    session.kept.push({ ...message, at: Date.now() });
    this.forgetOld(session);
    for (const deliver of session.tabs) deliver(message);
  }

  /** If the interaction the agent was connected to is a chat, its transcript and then its entries go to the tabs. */
  private followChat(session: Session, interactionId: string): void {
    const chats = this.chats;
    if (!chats || session.chats.has(interactionId)) return;
    // Held until following starts, so an end that comes meanwhile still stops it.
    let stop: (() => void) | undefined;
    let stopped = false;
    session.chats.set(interactionId, () => {
      stopped = true;
      stop?.();
    });
    const onBad = (error: unknown) => this.logger.warn({ err: error, interactionId }, 'unreadable chat entry');
    chats
      .get(interactionId)
      .then(async (chat) => {
        if (!chat || stopped) {
          if (!chat) session.chats.delete(interactionId);
          return;
        }
        stop = await followWithTranscript(
          chats.channel,
          chat,
          (transcript) =>
            this.emit(session, { type: 'chat_transcript', interactionId, visitorName: chat.visitorName, transcript }),
          (entry) => {
            if (entry.kind === 'typing' && entry.from === 'agent') return;
            this.emit(session, { type: 'chat_entry', interactionId, entry });
            if (entry.kind === 'message' && entry.from === 'visitor' && session.tabs.size > 0)
              chats.receipt(chat, entry.id, 'delivered', 'agent').catch(onBad);
          },
          onBad,
        );
        if (stopped) stop();
      })
      .catch((error: unknown) => {
        session.chats.delete(interactionId);
        this.logger.warn({ err: error, interactionId }, 'could not follow the chat');
      });
  }

  private detach(agentId: string, session: Session, deliver: Deliver): void {
    session.tabs.delete(deliver);
    if (session.tabs.size > 0 || this.sessions.get(agentId) !== session) return;
    session.logout = setTimeout(() => {
      this.stop(session);
      this.sessions.delete(agentId);
      this.logOutUnlessElsewhere(agentId).catch((error: unknown) =>
        this.logger.warn({ err: error, agentId }, 'could not log out an agent without tabs'),
      );
    }, this.graceMs);
    session.logout.unref();
  }

  /** The last tab here is gone for good: log the agent out, unless a tab of theirs is open on another replica. */
  private async logOutUnlessElsewhere(agentId: string, recheck = true): Promise<void> {
    if (this.sessions.has(agentId)) return; // a tab came back here meanwhile
    if (this.presence) {
      await this.presence.gone(agentId);
      if (await this.presence.elsewhere(agentId)) {
        this.logger.info({ agentId }, 'last tab here gone; the agent still has one on another replica');
        // That replica logs the agent out when its own last tab goes; one look later covers a replica that died
        // (its entry expires) before it could.
        if (recheck) {
          const later = setTimeout(
            () =>
              this.logOutUnlessElsewhere(agentId, false).catch((error: unknown) =>
                this.logger.warn({ err: error, agentId }, 'could not log out an agent without tabs'),
              ),
            this.presence.ttlMs + 1_000,
          );
          later.unref();
        }
        return;
      }
    }
    await this.routing.logoutAgent({
      agentId,
      force: true,
      actor: Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'api' }),
    });
    this.logger.info({ agentId }, 'last tab gone: agent logged out of routing');
  }

  private stop(session: Session): void {
    clearTimeout(session.logout);
    for (const stop of session.stopFeeds) stop();
    for (const stop of session.chats.values()) stop();
    session.chats.clear();
  }

  private forgetOld(session: Session): void {
    const oldest = Date.now() - this.graceMs;
    while (session.kept.length > 0 && session.kept[0]!.at < oldest) session.kept.shift();
  }
}
