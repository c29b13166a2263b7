// A supervisor's live dashboard over a WebSocket: after the token (supervisor or admin role; a supervisor only of
// this API's site), a snapshot of the site's queues and agents, then every agent state change and queue statistics
// event as it happens; commands force an agent's state (or log the agent out) and monitor, whisper into or barge
// into a call, the dashboard's audio signalled through the same socket. Commands are audited.
import type { EventFeed, Logger, RpcClient } from '@parley/kit';
import { SupervisionMode } from '@parley/protos/parley/common/v1/media';
import type { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { ListActiveCallsRequest, type SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import type { WebSocket } from 'ws';
import { stateName } from '../agent-session/agent-pushes.js';
import type { AuditCaller, AuditLog } from '../audit/audit-log.js';
import { audited } from '../audit/audited.js';
import { InvalidTokenError } from '../auth/invalid-token.js';
import { canSuperviseSite } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { jsonSocket, Refused } from '../http/json-socket.js';
import { MediaRelay } from '../media/media-relay.js';
import { forceAgentState, supervisorActor } from './force-agent-state.js';
import { queueStatsView, siteSnapshot } from './site-views.js';
import {
  supervisorClientMessage,
  type SupervisorClientMessage,
  type SupervisorServerMessage,
} from './supervisor-messages.js';

export interface SupervisorSocketDeps {
  verifier: TokenVerifier;
  routing: RpcClient<typeof RoutingServiceService>;
  media?: RpcClient<typeof MediaServiceService>;
  sipGateway?: RpcClient<typeof SipGatewayServiceService>;
  /** The site's agent.* and queue.* events (keyed by site). */
  feeds: readonly EventFeed[];
  /** Media's peer consumer events, keyed by peer id (what a supervision makes for the dashboard). */
  mediaConsumers?: EventFeed;
  audit: AuditLog;
  logger: Logger;
  site: string;
}

const modes = {
  monitor: SupervisionMode.SUPERVISION_MODE_MONITOR,
  whisper: SupervisionMode.SUPERVISION_MODE_WHISPER,
  barge: SupervisionMode.SUPERVISION_MODE_BARGE,
} as const;

export function serveSupervisorSocket(
  socket: WebSocket,
  deps: SupervisorSocketDeps,
  from: Omit<AuditCaller, 'principal'>,
) {
  let principal: Principal | undefined;
  let relay: MediaRelay | undefined;
  const stopFeeds: (() => void)[] = [];
  const supervisions = new Set<string>();
  const authTimer = setTimeout(() => {
    if (!principal) socket.close(4401, 'authenticate first');
  }, 5_000);
  socket.on('close', () => {
    clearTimeout(authTimer);
    for (const stop of stopFeeds) stop();
    const actor = principal && supervisorActor(principal);
    for (const supervisionId of supervisions)
      deps.media?.stopSupervision({ supervisionId, actor }).catch(() => undefined);
    relay?.close().catch((error: unknown) => deps.logger.warn({ err: error }, 'media peer not closed'));
  });
  const io = jsonSocket<SupervisorClientMessage, SupervisorServerMessage>(
    socket,
    supervisorClientMessage,
    handle,
    (code, message) => ({ type: 'error', code, message }),
  );

  async function handle(message: SupervisorClientMessage): Promise<void> {
    if (message.type === 'auth') return authenticate(message.token);
    if (!principal) return io.fail('unauthenticated', 'send {"type":"auth","token":…} first');
    const caller = principal;
    const audit = (action: string, target: string, work: () => Promise<void>) =>
      audited(deps.audit, { ...from, principal: caller }, action, target, work);
    switch (message.type) {
      case 'refresh':
        return sendSnapshot();
      case 'force_state':
        return audit('agent.force_state', `agent/${message.agentId}`, async () => {
          await forceAgentState(deps.routing, caller, message);
          io.send({ type: 'state_forced', agentId: message.agentId, state: message.state });
        });
      case 'supervise':
        return audit(`call.${message.mode}`, `interaction/${message.interactionId}`, async () => {
          if (!deps.sipGateway || !deps.media || !relay)
            throw new Refused('unavailable', 'supervision needs the SIP gateway and media');
          const { calls } = await deps.sipGateway.listActiveCalls(
            ListActiveCallsRequest.fromPartial({ interactionId: message.interactionId }),
          );
          const call = calls[0];
          if (!call || !call.agentLeg) throw new Refused('no_call', 'no agent is on a call for this interaction');
          if (!canSuperviseSite(caller, call.siteId)) throw new Refused('forbidden', 'this call is not of your site');
          const supervisionId = message.supervisionId ?? ulid();
          const answer = await deps.media.startSupervision({
            supervisionId,
            interactionId: message.interactionId,
            agentId: call.agentId,
            agentLeg: call.agentLeg,
            customerLeg: call.customerLeg,
            supervisorPeerId: relay.peerId,
            supervisorRtpCapabilitiesJson: JSON.stringify(message.rtpCapabilities),
            mode: modes[message.mode],
            supervisor: supervisorActor(caller),
          });
          supervisions.add(supervisionId);
          relay.adopt(answer.consumers.map((consumer) => consumer.consumerId));
          io.send({
            type: 'supervising',
            supervisionId,
            interactionId: message.interactionId,
            mode: message.mode,
            consumers: answer.consumers.map((consumer) => ({
              consumerId: consumer.consumerId,
              producerId: consumer.producerId,
              transportId: consumer.transportId,
              kind: 'audio',
              rtpParameters: JSON.parse(consumer.rtpParametersJson || '{}') as unknown,
            })),
          });
        });
      case 'stop_supervising':
        return audit('call.stop_supervising', `supervision/${message.supervisionId}`, async () => {
          if (!supervisions.has(message.supervisionId)) throw new Refused('forbidden', 'not your supervision');
          await deps.media!.stopSupervision({ supervisionId: message.supervisionId, actor: supervisorActor(caller) });
          supervisions.delete(message.supervisionId);
          io.send({ type: 'supervision_stopped', supervisionId: message.supervisionId });
        });
      case 'media': {
        if (!relay) throw new Refused('unavailable', 'audio needs the media service');
        const result = await relay.handle(message.request);
        return io.send({ type: 'media_result', requestId: message.requestId, result });
      }
    }
  }

  async function authenticate(token: string): Promise<void> {
    if (principal) return io.fail('already_authenticated', 'this socket is authenticated already');
    try {
      const caller = await deps.verifier.verify(token);
      if (!canSuperviseSite(caller, deps.site)) {
        socket.close(4403, `the supervisor role for site ${deps.site} is required`);
        return;
      }
      principal = caller;
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      socket.close(4401, error.message);
      return;
    }
    clearTimeout(authTimer);
    if (deps.media)
      relay = new MediaRelay(
        deps.media,
        `supervisor.${principal.username}.${randomUUID()}`,
        supervisorActor(principal),
      );
    io.send({ type: 'ready', username: principal.username, site: deps.site });
    // Live events from now on; the snapshot after, so nothing falls between them (an event may repeat a snapshot).
    for (const feed of deps.feeds)
      stopFeeds.push(
        feed.listen(deps.site, (event) => {
          if (event.type === 'agent.state_changed')
            io.send({
              type: 'agent_state',
              agentId: event.agentId,
              state: stateName(event.agentStateChanged?.state),
              reason: event.agentStateChanged?.notReadyReason?.code ?? '',
              at: (event.occurredAt ?? new Date()).toISOString(),
            });
          else if (event.type === 'queue.stats_snapshot')
            io.send({ type: 'queue_stats', queue: queueStatsView(event.queueId, event.queueStatsSnapshot?.stats) });
        }),
      );
    await sendSnapshot();
  }

  async function sendSnapshot(): Promise<void> {
    const snapshot = await siteSnapshot(deps.routing, deps.site);
    io.send({ type: 'snapshot', site: deps.site, ...snapshot });
  }
}
