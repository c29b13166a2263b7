// One agent's browser tab over a WebSocket: the tab authenticates with its access token in its first message (an
// agent role is required; routing's agent id is the user name), logs in to routing and changes state, and is sent
// each of routing's offers for the agent the moment the event arrives, which it accepts or rejects. Bad frames are
// answered with an error message and never end other sessions; a tab that does not authenticate within 5 s, or
// sends frames above the size limit, is closed. A reconnecting tab gets what it missed, and an agent whose last tab
// stays gone is logged out (agent-sessions.ts).
import type { Logger, RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { LoginAgentRequest, type RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { InvalidTokenError } from '../auth/invalid-token.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { clientMessage, type ClientMessage, type ServerMessage } from './agent-messages.js';
import type { AgentSessions, Attached, Numbered } from './agent-sessions.js';

export interface AgentSocketDeps {
  verifier: TokenVerifier;
  routing: RpcClient<typeof RoutingServiceService>;
  sessions: AgentSessions;
  logger: Logger;
  /** How long a new socket has to send its token (default 5 s). */
  authTimeoutMs?: number;
}

/** Close codes (4000–4999 are the application's): the tab shows why it was disconnected. */
export const CloseCode = { unauthenticated: 4401, forbidden: 4403 } as const;

const ENDED_OFFERS: Record<string, string> = {
  'offer.rescinded': 'rescinded',
  'offer.timed_out': 'timed_out',
  'offer.rejected': 'rejected',
  'offer.accepted': 'accepted',
};

export function serveAgentSocket(socket: WebSocket, deps: AgentSocketDeps): void {
  const sessionId = randomUUID();
  let principal: Principal | undefined;
  let attached: Attached | undefined;
  const send = (message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const fail = (code: string, message: string) => send({ type: 'error', code, message });

  const authTimer = setTimeout(() => {
    if (!principal) socket.close(CloseCode.unauthenticated, 'authenticate first');
  }, deps.authTimeoutMs ?? 5_000);
  socket.on('close', () => {
    clearTimeout(authTimer);
    attached?.detach();
  });

  socket.on('message', (data, isBinary) => {
    let message: ClientMessage;
    try {
      if (isBinary) throw new Error('binary frame');
      const parsed = clientMessage.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail('bad_message', `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'not understood'}`);
      }
      message = parsed.data;
    } catch {
      return fail('bad_message', 'frames are JSON text');
    }
    handle(message).catch((error: unknown) => {
      const detail = error as { code?: string; message?: string };
      fail(detail.code ?? 'failed', detail.message ?? 'the request failed');
    });
  });

  async function handle(message: ClientMessage): Promise<void> {
    if (message.type === 'auth') return authenticate(message.token, message.resumeFrom);
    if (!principal) return fail('unauthenticated', 'send {"type":"auth","token":…} first');
    const agentId = principal.username;
    const actor = Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_AGENT, id: agentId, displayName: agentId });
    switch (message.type) {
      case 'login': {
        const answer = await deps.routing.loginAgent(
          LoginAgentRequest.fromPartial({
            agentId,
            sessionId,
            initialState: message.ready ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
          }),
        );
        return send({ type: 'logged_in', state: stateName(answer.status?.state) });
      }
      case 'state': {
        const answer = await deps.routing.setAgentState({
          agentId,
          state: message.state === 'AVAILABLE' ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
          notReadyReasonCode: message.reasonId ?? (message.state === 'NOT_READY' ? 'break' : ''),
          actor,
        });
        return send({ type: 'state', state: stateName(answer.status?.state) });
      }
      case 'accept': {
        const answer = await deps.routing.acceptOffer({ offerId: message.offerId, agentId });
        return send({ type: 'accepted', offerId: message.offerId, interactionId: answer.interaction?.id ?? '' });
      }
      case 'reject':
        await deps.routing.rejectOffer({ offerId: message.offerId, agentId, reason: message.reason ?? '' });
        return send({ type: 'rejected', offerId: message.offerId });
    }
  }

  async function authenticate(token: string, resumeFrom: number | undefined): Promise<void> {
    if (principal) return fail('already_authenticated', 'this socket is authenticated already');
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
    // "ready" goes first, then whatever the tab missed (replayed by attach), then new messages as they come.
    const replay: Numbered[] = [];
    let live = false;
    attached = deps.sessions.attach(
      principal.username,
      (message) => (live ? forwardOffer(message) : replay.push(message)),
      resumeFrom,
    );
    send({
      type: 'ready',
      agentId: principal.username,
      username: principal.username,
      seq: attached.seq,
      replayed: attached.replayed,
      gap: attached.gap,
    });
    for (const message of replay) forwardOffer(message);
    live = true;
  }

  function forwardOffer({ seq, event }: Numbered): void {
    if (event.type === 'offer.created') {
      const offer = event.offerCreated;
      send({
        type: 'offer',
        seq,
        offerId: event.offerId,
        interactionId: event.interactionId,
        channel: channelName(offer?.interaction?.channel),
        queueId: event.queueId,
        timeoutMs: Number(offer?.timeoutMs ?? 0),
        expiresAt: offer?.expiresAt?.toISOString(),
      });
      return;
    }
    const reason = ENDED_OFFERS[event.type];
    if (reason) send({ type: 'offer_ended', seq, offerId: event.offerId, reason });
  }
}

function stateName(state: AgentState | undefined): string {
  return (AgentState[state ?? AgentState.AGENT_STATE_UNSPECIFIED] ?? 'AGENT_STATE_UNSPECIFIED').replace(
    'AGENT_STATE_',
    '',
  );
}

function channelName(channel: Channel | undefined): string {
  return (Channel[channel ?? Channel.CHANNEL_UNSPECIFIED] ?? 'CHANNEL_UNSPECIFIED').replace('CHANNEL_', '');
}
