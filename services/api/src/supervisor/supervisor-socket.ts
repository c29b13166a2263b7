// A supervisor's live dashboard over a WebSocket: after the token (supervisor or admin role; a supervisor only of
// this API's site), a snapshot of the site's queues and agents, then every agent state change and queue statistics
// event as it happens; commands force an agent's state (or log the agent out) and monitor, whisper into or barge
// into a call, the dashboard's audio signalled through the same socket (and the consumers media makes for its peer
// pushed as `media_consumer`), and the dashboard is told when a supervision ends with its call. Commands are audited.
import type { EventFeed, Logger, RpcClient } from '@parley/kit';
import type { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { randomUUID } from 'node:crypto';
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
import { DashboardSupervisions } from './dashboard-supervisions.js';
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
  /**
   * Media's events by key: `media.peer_consumer_created` by peer id (what a supervision makes for the dashboard),
   * `media.supervision_stopped` by supervision id (a supervision media ended because its call did).
   */
  mediaConsumers?: EventFeed;
  audit: AuditLog;
  logger: Logger;
  site: string;
}

export function serveSupervisorSocket(
  socket: WebSocket,
  deps: SupervisorSocketDeps,
  from: Omit<AuditCaller, 'principal'>,
) {
  let principal: Principal | undefined;
  let relay: MediaRelay | undefined;
  let supervisions: DashboardSupervisions | undefined;
  const stopFeeds: (() => void)[] = [];
  const authTimer = setTimeout(() => {
    if (!principal) socket.close(4401, 'authenticate first');
  }, 5_000);
  socket.on('close', () => {
    clearTimeout(authTimer);
    for (const stop of stopFeeds) stop();
    supervisions?.close();
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
    // The answer goes once the record is stored: a dashboard that reads the audit log on an answer finds it there.
    const audit = async (action: string, target: string, work: () => Promise<SupervisorServerMessage>) => {
      let answer: SupervisorServerMessage | undefined;
      await audited(deps.audit, { ...from, principal: caller }, action, target, async () => {
        answer = await work();
      });
      if (answer) io.send(answer);
    };
    switch (message.type) {
      case 'refresh':
        return sendSnapshot();
      case 'force_state':
        return audit('agent.force_state', `agent/${message.agentId}`, async () => {
          await forceAgentState(deps.routing, caller, message);
          return { type: 'state_forced', agentId: message.agentId, state: message.state };
        });
      case 'supervise':
        return audit(`call.${message.mode}`, `interaction/${message.interactionId}`, async () => {
          if (!supervisions) throw new Refused('unavailable', 'supervision needs the SIP gateway and media');
          return supervisions.supervise(message);
        });
      case 'stop_supervising':
        return audit('call.stop_supervising', `supervision/${message.supervisionId}`, async () => {
          if (!supervisions) throw new Refused('forbidden', 'not your supervision');
          return supervisions.stop(message.supervisionId);
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
    const actor = supervisorActor(principal);
    if (deps.media) relay = new MediaRelay(deps.media, `supervisor.${principal.username}.${randomUUID()}`, actor);
    if (relay && deps.mediaConsumers) stopFeeds.push(relay.followConsumers(deps.mediaConsumers, io.send));
    if (relay && deps.media && deps.sipGateway)
      supervisions = new DashboardSupervisions(
        { media: deps.media, sipGateway: deps.sipGateway, mediaEvents: deps.mediaConsumers, logger: deps.logger },
        relay,
        principal,
        actor,
        io.send,
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
