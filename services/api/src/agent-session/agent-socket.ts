// One agent's browser tab over a WebSocket: the tab authenticates with its access token in its first message (an
// agent role is required; routing's agent id is the user name), logs in to routing and changes state, is sent each
// of routing's offers and interaction changes for the agent the moment the event arrives, accepts or rejects offers,
// chats with visitors, ends conversations, wraps up and writes notes. Bad frames are answered with an error message
// and never end other sessions; a tab that does not authenticate within 5 s, or sends frames above the size limit,
// is closed. A reconnecting tab gets what it missed, and an agent whose last tab stays gone is logged out
// (agent-sessions.ts). Every state-changing request is audited.
import type { EventFeed, Logger, RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import type { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import type { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import type { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { AuditCaller, AuditLog } from '../audit/audit-log.js';
import { InvalidTokenError } from '../auth/invalid-token.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { ChatConversations } from '../chat/chat-conversations.js';
import { jsonSocket } from '../http/json-socket.js';
import { MediaRelay } from '../media/media-relay.js';
import { AgentCommands } from './agent-commands.js';
import { agentClientMessage, type ClientMessage, type ServerMessage } from './agent-messages.js';
import { stateName } from './agent-pushes.js';
import type { AgentSessions, Attached, Numbered } from './agent-sessions.js';

export interface AgentSocketDeps {
  verifier: TokenVerifier;
  routing: RpcClient<typeof RoutingServiceService>;
  sessions: AgentSessions;
  audit: AuditLog;
  logger: Logger;
  /** The web chat channel, for the agent's side of chats; without it chat requests are refused. */
  chats?: ChatConversations;
  /** History, for notes; without it notes are refused. */
  history?: RpcClient<typeof HistoryServiceService>;
  /** Media (the tab's WebRTC audio) and the SIP gateway (connecting it to calls); without them voice is refused. */
  media?: RpcClient<typeof MediaServiceService>;
  sipGateway?: RpcClient<typeof SipGatewayServiceService>;
  /** Media's peer consumer events for the site, keyed by peer id (the consumers a call's bridge makes for a tab). */
  mediaConsumers?: EventFeed;
  maxChatChars?: number;
  /** How long a new socket has to send its token (default 5 s). */
  authTimeoutMs?: number;
}

/** Close codes (4000–4999 are the application's): the tab shows why it was disconnected. */
export const CloseCode = { unauthenticated: 4401, forbidden: 4403 } as const;

export function serveAgentSocket(socket: WebSocket, deps: AgentSocketDeps, from: Omit<AuditCaller, 'principal'>): void {
  const sessionId = randomUUID();
  let principal: Principal | undefined;
  let attached: Attached | undefined;
  let relay: MediaRelay | undefined;
  let stopConsumers: (() => void) | undefined;

  const authTimer = setTimeout(() => {
    if (!principal) socket.close(CloseCode.unauthenticated, 'authenticate first');
  }, deps.authTimeoutMs ?? 5_000);
  socket.on('close', () => {
    clearTimeout(authTimer);
    attached?.detach();
    stopConsumers?.();
    relay?.close().catch((error: unknown) => deps.logger.warn({ err: error }, 'media peer not closed'));
  });
  const io = jsonSocket<ClientMessage, ServerMessage>(
    socket,
    agentClientMessage(deps.maxChatChars ?? 2_000),
    handle,
    (code, message) => ({
      type: 'error' as const,
      code,
      message,
    }),
  );
  const send = (message: ServerMessage) => io.send(message);

  let commands: AgentCommands | undefined;

  async function handle(message: ClientMessage): Promise<void> {
    if (message.type === 'auth') return authenticate(message.token, message.resumeFrom);
    if (!commands) return io.fail('unauthenticated', 'send {"type":"auth","token":…} first');
    return commands.run(message);
  }

  /** Where the agent stands at routing now: what a new tab (or one told of a gap) starts from. */
  async function agentStatus(agentId: string) {
    const answer = await deps.routing.getAgent({ agentId }).catch(() => undefined);
    const status = answer?.agent?.status;
    return {
      state: stateName(status?.state),
      reason: status?.notReadyReason?.code ?? '',
      interactionIds: status?.interactionIds ?? [],
      offerIds: status?.offerIds ?? [],
    };
  }

  async function authenticate(token: string, resumeFrom: number | undefined): Promise<void> {
    if (principal) return io.fail('already_authenticated', 'this socket is authenticated already');
    try {
      const caller = await deps.verifier.verify(token);
      if (!caller.roles.has('agent')) {
        socket.close(CloseCode.forbidden, 'the agent role is required');
        return;
      }
      principal = caller;
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      socket.close(CloseCode.unauthenticated, error.message);
      return;
    }
    clearTimeout(authTimer);
    if (deps.media)
      relay = new MediaRelay(
        deps.media,
        `agent.${principal.username}.${sessionId}`,
        Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_AGENT, id: principal.username, displayName: principal.name }),
      );
    if (relay && deps.mediaConsumers) stopConsumers = relay.followConsumers(deps.mediaConsumers, send);
    commands = new AgentCommands(deps, principal, from, sessionId, relay, send);
    // "ready" goes first, then whatever the tab missed (replayed by attach), then new messages as they come.
    const replay: Numbered[] = [];
    let live = false;
    const forward = ({ seq, push }: Numbered) => send({ ...push, seq });
    attached = deps.sessions.attach(
      principal.username,
      (message) => (live ? forward(message) : replay.push(message)),
      resumeFrom,
    );
    send({
      type: 'ready',
      agentId: principal.username,
      username: principal.username,
      seq: attached.seq,
      replayed: attached.replayed,
      gap: attached.gap,
      status: await agentStatus(principal.username),
    });
    for (const message of replay) forward(message);
    live = true;
  }
}
