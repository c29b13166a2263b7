// One agent's browser tab over a WebSocket: the tab authenticates with its access token in its first message (an
// agent role is required; routing's agent id is the user name), logs in to routing and changes state, is sent each
// of routing's offers and interaction changes for the agent the moment the event arrives, accepts or rejects offers,
// chats with visitors, ends conversations, wraps up and writes notes. Bad frames are answered with an error message
// and never end other sessions; a tab that does not authenticate within 5 s, or sends frames above the size limit,
// is closed. A reconnecting tab gets what it missed, and an agent whose last tab stays gone is logged out
// (agent-sessions.ts). Every state-changing request is audited.
import type { Logger, RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import type { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import type { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { ListActiveCallsRequest, type SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { LoginAgentRequest, type RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import type { WebSocket } from 'ws';
import type { AuditCaller, AuditLog } from '../audit/audit-log.js';
import { InvalidTokenError } from '../auth/invalid-token.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { ChatConversations } from '../chat/chat-conversations.js';
import { jsonSocket } from '../http/json-socket.js';
import { MediaRelay } from '../media/media-relay.js';
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
  maxChatChars?: number;
  /** How long a new socket has to send its token (default 5 s). */
  authTimeoutMs?: number;
}

/** Close codes (4000–4999 are the application's): the tab shows why it was disconnected. */
export const CloseCode = { unauthenticated: 4401, forbidden: 4403 } as const;

class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function serveAgentSocket(socket: WebSocket, deps: AgentSocketDeps, from: Omit<AuditCaller, 'principal'>): void {
  const sessionId = randomUUID();
  let principal: Principal | undefined;
  let attached: Attached | undefined;
  let relay: MediaRelay | undefined;

  const authTimer = setTimeout(() => {
    if (!principal) socket.close(CloseCode.unauthenticated, 'authenticate first');
  }, deps.authTimeoutMs ?? 5_000);
  socket.on('close', () => {
    clearTimeout(authTimer);
    attached?.detach();
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

  async function handle(message: ClientMessage): Promise<void> {
    if (message.type === 'auth') return authenticate(message.token, message.resumeFrom);
    if (!principal) return io.fail('unauthenticated', 'send {"type":"auth","token":…} first');
    const caller = principal;
    const agentId = caller.username;
    const actor = Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_AGENT, id: agentId, displayName: caller.name });
    const audited = async (action: string, target: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        await deps.audit
          .record({ ...from, principal: caller }, { action, target, outcome: 'failed', detail: String(error) })
          .catch(() => undefined);
        throw error;
      }
      await deps.audit.record({ ...from, principal: caller }, { action, target, outcome: 'ok' });
    };
    switch (message.type) {
      case 'login':
        return audited('agent.login', `agent/${agentId}`, async () => {
          const answer = await deps.routing.loginAgent(
            LoginAgentRequest.fromPartial({
              agentId,
              sessionId,
              initialState: message.ready ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
            }),
          );
          send({ type: 'logged_in', state: stateName(answer.status?.state) });
        });
      case 'state':
        if (message.state === 'NOT_READY' && !message.reasonId)
          throw new Refused('bad_message', 'reasonId: NOT_READY needs one of the configured not-ready reasons');
        return audited('agent.set_state', `agent/${agentId}`, async () => {
          const answer = await deps.routing.setAgentState({
            agentId,
            state: message.state === 'AVAILABLE' ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
            notReadyReasonCode: message.reasonId ?? '',
            actor,
          });
          send({ type: 'state_set', state: stateName(answer.status?.state) });
        });
      case 'accept':
        return audited('offer.accept', `offer/${message.offerId}`, async () => {
          const answer = await deps.routing.acceptOffer({ offerId: message.offerId, agentId });
          const interactionId = answer.interaction?.id ?? '';
          send({ type: 'accepted', offerId: message.offerId, interactionId });
          if (answer.interaction?.channel === Channel.CHANNEL_CHAT && deps.chats)
            await deps.chats.agentJoined(interactionId, { id: agentId, name: caller.name });
          if (answer.interaction?.channel === Channel.CHANNEL_VOICE && relay?.producing)
            await connectCall(agentId, interactionId);
        });
      case 'reject':
        return audited('offer.reject', `offer/${message.offerId}`, async () => {
          await deps.routing.rejectOffer({ offerId: message.offerId, agentId, reason: message.reason ?? '' });
          send({ type: 'rejected', offerId: message.offerId });
        });
      case 'chat_send': {
        const chat = await ownChat(agentId, message.interactionId);
        if (chat.state === 'ended') throw new Refused('chat_ended', 'this conversation has ended');
        await chats().post(chat, { party: 'agent', id: agentId, name: caller.name }, message.text, message.id);
        return send({ type: 'chat_sent', interactionId: message.interactionId, id: message.id });
      }
      case 'chat_typing':
        return chats().typing(await ownChat(agentId, message.interactionId), 'agent', message.on);
      case 'chat_read':
        return chats().receipt(await ownChat(agentId, message.interactionId), message.messageId, 'read', 'agent');
      case 'end':
        return audited('interaction.end', `interaction/${message.interactionId}`, async () => {
          const chat = deps.chats && (await deps.chats.get(message.interactionId));
          if (chat) {
            await ownChat(agentId, message.interactionId);
            await chats().end(chat, 'agent', agentId);
          } else {
            await assertOwnInteraction(agentId, message.interactionId);
            await deps.routing.endInteraction({ interactionId: message.interactionId, actor });
          }
          send({ type: 'ended', interactionId: message.interactionId });
        });
      case 'wrap_up':
        return audited('interaction.wrap_up', `interaction/${message.interactionId}`, async () => {
          await deps.routing.completeWrapUp({
            interactionId: message.interactionId,
            agentId,
            wrapUpCodeId: message.code ?? '',
            comment: message.comment ?? '',
          });
          send({ type: 'wrapped_up', interactionId: message.interactionId });
        });
      case 'media': {
        if (!relay) throw new Refused('unavailable', 'voice needs the media service');
        const result = await relay.handle(message.request);
        return send({ type: 'media_result', requestId: message.requestId, result });
      }
      case 'connect_call':
        return audited('call.connect_agent', `interaction/${message.interactionId}`, async () => {
          await assertOwnInteraction(agentId, message.interactionId);
          await connectCall(agentId, message.interactionId);
        });
      case 'note':
        return audited('interaction.note', `interaction/${message.interactionId}`, async () => {
          if (!deps.history) throw new Refused('unavailable', 'notes need the history service');
          await assertOwnInteraction(agentId, message.interactionId);
          const answer = await deps.history.addNote({
            interactionId: message.interactionId,
            noteId: ulid(),
            text: message.text,
            author: actor,
          });
          send({ type: 'note_added', interactionId: message.interactionId, noteId: answer.note?.id ?? '' });
        });
    }
  }

  /** The tab's audio joins the interaction's call (the SIP gateway bridges the caller with the tab's peer). */
  async function connectCall(agentId: string, interactionId: string): Promise<void> {
    if (!deps.sipGateway || !relay) throw new Refused('unavailable', 'voice needs the SIP gateway and media');
    const { calls } = await deps.sipGateway.listActiveCalls(ListActiveCallsRequest.fromPartial({ interactionId }));
    const call = calls[0];
    if (!call) throw new Refused('no_call', `no call is in progress for interaction ${interactionId}`);
    await deps.sipGateway.connectAgent({ callId: call.id, agentId, agentLeg: { peerId: relay.peerId } });
    send({ type: 'call_connected', interactionId, callId: call.id });
  }

  function chats(): ChatConversations {
    if (!deps.chats) throw new Refused('unavailable', 'the chat channel is not enabled');
    return deps.chats;
  }

  /** Agents write only in chats they are connected to. */
  async function ownChat(agentId: string, interactionId: string) {
    const chat = await chats().get(interactionId);
    if (!chat || (chat.agentId !== agentId && !deps.sessions.inChat(agentId, interactionId)))
      throw new Refused('forbidden', 'this is not your conversation');
    return chat;
  }

  /** Agents act only on interactions they hold (routing's live status says which). */
  async function assertOwnInteraction(agentId: string, interactionId: string): Promise<void> {
    const { agent } = await deps.routing.getAgent({ agentId });
    if (!agent?.status?.interactionIds.includes(interactionId))
      throw new Refused('forbidden', 'this is not your interaction');
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
