// What an authenticated agent's tab asks, carried out: routing (login, state, accept, reject, end, wrap-up, chat
// transfers), the chat channel (messages, typing, read, joining on accept), history (notes), the SIP gateway (hold,
// resume, DTMF, call transfers, hanging up) and the tab's audio (mediasoup signalling, and connecting it to the call
// it took). Agents act only on themselves and on what they hold; each change is audited.
import { ParleyError, Status } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { TransferMode, TransferTarget } from '@parley/protos/parley/common/v1/interaction';
import { ListActiveCallsRequest, type Call } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { LoginAgentRequest } from '@parley/protos/parley/routing/v1/routing';
import { ulid } from 'ulid';
import type { AuditCaller } from '../audit/audit-log.js';
import { audited } from '../audit/audited.js';
import type { Principal } from '../auth/principal.js';
import type { ChatConversations } from '../chat/chat-conversations.js';
import { Refused } from '../http/json-socket.js';
import type { MediaRelay } from '../media/media-relay.js';
import type { ClientMessage, ServerMessage } from './agent-messages.js';
import { stateName } from './agent-pushes.js';
import type { AgentSocketDeps } from './agent-socket.js';

export type AgentCommand = Exclude<ClientMessage, { type: 'auth' }>;

export class AgentCommands {
  private readonly agentId: string;
  private readonly actor: Actor;
  private readonly who: AuditCaller;

  constructor(
    private readonly deps: AgentSocketDeps,
    private readonly caller: Principal,
    from: Omit<AuditCaller, 'principal'>,
    /** The tab's login session at routing. */
    private readonly sessionId: string,
    private readonly relay: MediaRelay | undefined,
    private readonly send: (message: ServerMessage) => void,
  ) {
    this.agentId = caller.username;
    this.actor = Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_AGENT, id: this.agentId, displayName: caller.name });
    this.who = { ...from, principal: caller };
  }

  async run(message: AgentCommand): Promise<void> {
    const { deps, agentId, caller, actor, send, relay, sessionId } = this;
    const audit = (action: string, target: string, work: () => Promise<void>) =>
      audited(deps.audit, this.who, action, target, work);
    switch (message.type) {
      case 'login':
        return audit('agent.login', `agent/${agentId}`, async () => {
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
        return audit('agent.set_state', `agent/${agentId}`, async () => {
          const answer = await deps.routing.setAgentState({
            agentId,
            state: message.state === 'AVAILABLE' ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
            notReadyReasonCode: message.reasonId ?? '',
            actor,
          });
          send({ type: 'state_set', state: stateName(answer.status?.state) });
        });
      case 'accept':
        return audit('offer.accept', `offer/${message.offerId}`, async () => {
          const answer = await deps.routing.acceptOffer({ offerId: message.offerId, agentId });
          const interactionId = answer.interaction?.id ?? '';
          send({ type: 'accepted', offerId: message.offerId, interactionId });
          if (answer.interaction?.channel === Channel.CHANNEL_CHAT && deps.chats)
            await deps.chats.agentJoined(interactionId, { id: agentId, name: caller.name });
          if (answer.interaction?.channel === Channel.CHANNEL_VOICE && relay?.producing)
            await this.connectCall(agentId, interactionId);
        });
      case 'reject':
        return audit('offer.reject', `offer/${message.offerId}`, async () => {
          await deps.routing.rejectOffer({ offerId: message.offerId, agentId, reason: message.reason ?? '' });
          send({ type: 'rejected', offerId: message.offerId });
        });
      case 'chat_send': {
        const chat = await this.ownChat(agentId, message.interactionId);
        if (chat.state === 'ended') throw new Refused('chat_ended', 'this conversation has ended');
        await this.chats().post(chat, { party: 'agent', id: agentId, name: caller.name }, message.text, message.id);
        return send({ type: 'chat_sent', interactionId: message.interactionId, id: message.id });
      }
      case 'chat_typing':
        return this.chats().typing(await this.ownChat(agentId, message.interactionId), 'agent', message.on);
      case 'chat_read':
        return this.chats().receipt(
          await this.ownChat(agentId, message.interactionId),
          message.messageId,
          'read',
          'agent',
        );
      case 'end':
        return audit('interaction.end', `interaction/${message.interactionId}`, async () => {
          const chat = deps.chats && (await deps.chats.get(message.interactionId));
          if (chat) {
            await this.ownChat(agentId, message.interactionId);
            await this.chats().end(chat, 'agent', agentId);
          } else {
            await this.assertOwnInteraction(agentId, message.interactionId);
            // A call is hung up at the gateway, which ends the interaction at routing too; without one (or without
            // a gateway) routing alone is told.
            const call = await this.liveCallIfAny(message.interactionId);
            if (call) await this.gateway().hangUpCall({ callId: call.id, actor, q850Cause: 0 });
            else await deps.routing.endInteraction({ interactionId: message.interactionId, actor });
          }
          send({ type: 'ended', interactionId: message.interactionId });
        });
      case 'wrap_up':
        return audit('interaction.wrap_up', `interaction/${message.interactionId}`, async () => {
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
        return audit('call.connect_agent', `interaction/${message.interactionId}`, async () => {
          await this.assertOwnInteraction(agentId, message.interactionId);
          await this.connectCall(agentId, message.interactionId);
        });
      case 'note':
        return audit('interaction.note', `interaction/${message.interactionId}`, async () => {
          if (!deps.history) throw new Refused('unavailable', 'notes need the history service');
          await this.assertOwnInteraction(agentId, message.interactionId);
          const answer = await deps.history.addNote({
            interactionId: message.interactionId,
            noteId: ulid(),
            text: message.text,
            author: actor,
          });
          send({ type: 'note_added', interactionId: message.interactionId, noteId: answer.note?.id ?? '' });
        });
      case 'hold':
        return audit('call.hold', `interaction/${message.interactionId}`, async () => {
          await this.assertOwnInteraction(agentId, message.interactionId);
          const call = await this.callOf(message.interactionId);
          await this.gateway().holdCall({ callId: call.id, musicPrompt: '', actor });
          send({ type: 'held', interactionId: message.interactionId, callId: call.id });
        });
      case 'resume':
        return audit('call.resume', `interaction/${message.interactionId}`, async () => {
          await this.assertOwnInteraction(agentId, message.interactionId);
          const call = await this.callOf(message.interactionId);
          await this.gateway().resumeCall({ callId: call.id, actor });
          send({ type: 'resumed', interactionId: message.interactionId, callId: call.id });
        });
      case 'dtmf':
        // The digits stay out of the audit record: callers key in PINs and card numbers.
        return audit('call.dtmf', `interaction/${message.interactionId}`, async () => {
          await this.assertOwnInteraction(agentId, message.interactionId);
          const call = await this.callOf(message.interactionId);
          await this.gateway().sendDtmf({ callId: call.id, digits: message.digits, digitDurationMs: 0 });
          send({ type: 'dtmf_sent', interactionId: message.interactionId, digits: message.digits });
        });
      case 'transfer':
        return audit('interaction.transfer', `interaction/${message.interactionId}`, async () => {
          const { interactionId, target } = message;
          const to = TransferTarget.fromPartial(
            target.number !== undefined
              ? { phoneNumber: target.number }
              : target.agentId !== undefined
                ? { agentId: target.agentId }
                : { queueId: target.queueId },
          );
          const chat = deps.chats && (await deps.chats.get(interactionId));
          if (chat && to.phoneNumber !== undefined)
            throw new Refused('bad_message', 'target.number: only calls can be transferred to a number');
          await this.assertOwnInteraction(agentId, interactionId);
          if (chat) {
            await deps.routing.transferInteraction({
              interactionId,
              target: to,
              priorityBoost: 0,
              fromAgentId: agentId,
              actor,
            });
            deps.sessions.leftChat(agentId, interactionId);
            await this.chats().transferred(interactionId, agentId);
          } else {
            // Blind: the gateway takes queue and agent targets through routing and dials numbers through a trunk.
            const call = await this.callOf(interactionId);
            await this.gateway().transferCall({
              callId: call.id,
              mode: TransferMode.TRANSFER_MODE_BLIND,
              target: to,
              priorityBoost: 0,
              actor,
            });
          }
          send({ type: 'transferred', interactionId, target });
        });
    }
  }

  private gateway() {
    if (!this.deps.sipGateway) throw new Refused('unavailable', 'calls need the SIP gateway');
    return this.deps.sipGateway;
  }

  /** The interaction's live call at the SIP gateway; refused when there is none. */
  private async callOf(interactionId: string): Promise<Call> {
    const { calls } = await this.gateway().listActiveCalls(ListActiveCallsRequest.fromPartial({ interactionId }));
    const call = calls[0];
    if (!call) throw new Refused('no_call', `no call is in progress for interaction ${interactionId}`);
    return call;
  }

  /** The interaction's live call, if any; none either when no gateway serves (a site without voice). */
  private async liveCallIfAny(interactionId: string): Promise<Call | undefined> {
    if (!this.deps.sipGateway) return undefined;
    try {
      const { calls } = await this.deps.sipGateway.listActiveCalls(
        ListActiveCallsRequest.fromPartial({ interactionId }),
      );
      return calls[0];
    } catch (error) {
      if (error instanceof ParleyError && error.status === Status.UNAVAILABLE) return undefined;
      throw error;
    }
  }

  /** The tab's audio joins the interaction's call (the SIP gateway bridges the caller with the tab's peer). */
  private async connectCall(agentId: string, interactionId: string): Promise<void> {
    const { deps, relay } = this;
    if (!deps.sipGateway || !relay) throw new Refused('unavailable', 'voice needs the SIP gateway and media');
    const call = await this.callOf(interactionId);
    await deps.sipGateway.connectAgent({ callId: call.id, agentId, agentLeg: { peerId: relay.peerId } });
    this.send({ type: 'call_connected', interactionId, callId: call.id });
  }

  private chats(): ChatConversations {
    if (!this.deps.chats) throw new Refused('unavailable', 'the chat channel is not enabled');
    return this.deps.chats;
  }

  /** Agents write only in chats they are connected to. */
  private async ownChat(agentId: string, interactionId: string) {
    const chat = await this.chats().get(interactionId);
    if (!chat || (chat.agentId !== agentId && !this.deps.sessions.inChat(agentId, interactionId)))
      throw new Refused('forbidden', 'this is not your conversation');
    return chat;
  }

  /** Agents act only on interactions they hold (routing's live status says which). */
  private async assertOwnInteraction(agentId: string, interactionId: string): Promise<void> {
    const { agent } = await this.deps.routing.getAgent({ agentId });
    if (!agent?.status?.interactionIds.includes(interactionId))
      throw new Refused('forbidden', 'this is not your interaction');
  }
}
