// Calls an earlier run left behind. When the runner stops, the SIP gateway goes down with its calls, but routing's
// state lives on in NATS: a call still waiting would be offered to anna although its caller is long gone, and a
// call she was on (Ctrl-C mid-call) would keep her BUSY for ever. The local stack has one gateway, just started, so
// a voice interaction it holds no call for is such a ghost: a waiting one is cancelled as a failure, a connected
// one ended (its agent goes through the queue's wrap-up, then is free).
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { InteractionState, type Interaction } from '@parley/protos/parley/common/v1/interaction';
import { CancelReason } from '@parley/protos/parley/routing/v1/routing';
import { RUNNER_ACTOR } from './demo-records.js';
import { isNotFound, retryTransient } from './service-rpc.js';
import type { ServiceClients } from './service-rpc.js';

/** The contract's largest page; a local demo never has more queues or agents. */
const MAX_PAGE = 500;
/** The most a queue snapshot lists. */
const MAX_WAITING = 1_000;

type Clients = Pick<ServiceClients, 'routing' | 'sipGateway'>;

/** Clears the site's voice interactions the gateway holds no call for; returns how many. */
export async function clearCallsLeftBehind(
  clients: Clients,
  site: string,
  report: (line: string) => void,
): Promise<number> {
  const { routing } = clients;
  let cleared = 0;
  const paging = { pageSize: MAX_PAGE, pageToken: '' };

  // Routing first, the gateway's calls second: a call that arrives in between is then already the gateway's.
  const { queues } = await retryTransient(() =>
    routing.listQueues({ siteId: site, channel: Channel.CHANNEL_VOICE, paging }),
  );
  for (const queue of queues) {
    const snapshot = await retryTransient(() =>
      routing.getQueueSnapshot({ queueId: queue.id, maxWaiting: MAX_WAITING }),
    );
    for (const { interaction } of snapshot.waiting) {
      if (interaction === undefined || !(await isGhost(clients, interaction))) continue;
      await retryTransient(() =>
        routing.cancelInteraction({
          interactionId: interaction.id,
          reason: CancelReason.CANCEL_REASON_FAILURE,
          actor: RUNNER_ACTOR,
        }),
      );
      cleared += 1;
      report(`demo: call from ${caller(interaction)} left waiting in ${queue.id} by an earlier run: cancelled`);
    }
  }

  const { agents } = await retryTransient(() => routing.listAgents({ siteId: site, teamId: '', states: [], paging }));
  for (const agent of agents) {
    for (const interactionId of agent.status?.interactionIds ?? []) {
      const interaction = await live(clients, interactionId);
      if (interaction?.state !== InteractionState.INTERACTION_STATE_CONNECTED) continue;
      if (!(await isGhost(clients, interaction))) continue;
      await retryTransient(() => routing.endInteraction({ interactionId, actor: RUNNER_ACTOR }));
      cleared += 1;
      report(`demo: ${agent.id}'s call from ${caller(interaction)}, cut by an earlier run's stop: ended (to wrap-up)`);
    }
  }
  return cleared;
}

/** A voice interaction whose call the gateway does not hold. */
async function isGhost(clients: Clients, interaction: Interaction): Promise<boolean> {
  if (interaction.channel !== Channel.CHANNEL_VOICE) return false;
  const { calls } = await retryTransient(() =>
    clients.sipGateway.listActiveCalls({ siteId: '', agentId: '', interactionId: interaction.id, trunkId: '' }),
  );
  return calls.length === 0;
}

async function live(clients: Clients, interactionId: string): Promise<Interaction | undefined> {
  try {
    return (await retryTransient(() => clients.routing.getInteractionPosition({ interactionId }))).interaction;
  } catch (error) {
    if (isNotFound(error)) return undefined; // ended meanwhile
    throw error;
  }
}

function caller(interaction: Interaction): string {
  return interaction.customer?.phoneNumber || 'an unknown number';
}
