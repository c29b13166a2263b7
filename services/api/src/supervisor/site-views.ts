// The site's live picture for supervisors, from routing (reporting will serve richer figures when it exists): each
// queue of the site with its statistics, each agent of the site with state, reason and interactions.
import type { RpcClient } from '@parley/kit';
import type { QueueStats } from '@parley/protos/parley/common/v1/stats';
import {
  GetAgentSnapshotRequest,
  ListQueuesRequest,
  type AgentSnapshotEntry,
  type RoutingServiceService,
} from '@parley/protos/parley/routing/v1/routing';
import { stateName } from '../agent-session/agent-pushes.js';
import type { AgentView, QueueView } from './supervisor-messages.js';

export async function siteSnapshot(routing: RpcClient<typeof RoutingServiceService>, site: string) {
  const { queues } = await routing.listQueues(ListQueuesRequest.fromPartial({ siteId: site }));
  const queueViews = await Promise.all(
    queues.map(async (queue) => {
      const snapshot = await routing.getQueueSnapshot({ queueId: queue.id, maxWaiting: 1 });
      return { ...queueStatsView(queue.id, snapshot.stats), name: queue.displayName };
    }),
  );
  const agents = await routing.getAgentSnapshot(GetAgentSnapshotRequest.fromPartial({ siteId: site }));
  return {
    queues: queueViews,
    agents: agents.agents.map(agentView),
    takenAt: (agents.takenAt ?? new Date()).toISOString(),
  };
}

export function queueStatsView(queueId: string, stats: QueueStats | undefined): Omit<QueueView, 'name'> {
  return {
    queueId,
    waiting: stats?.waiting ?? 0,
    longestWaitMs: Number(stats?.longestWaitMs ?? 0),
    serviceLevelPercent: stats?.serviceLevelPercent ?? 0,
    averageSpeedOfAnswerMs: Number(stats?.averageSpeedOfAnswerMs ?? 0),
    abandonRatePercent: stats?.abandonRatePercent ?? 0,
    entered: stats?.entered ?? 0,
    answered: stats?.answered ?? 0,
    abandoned: stats?.abandoned ?? 0,
  };
}

function agentView(entry: AgentSnapshotEntry): AgentView {
  const status = entry.status;
  return {
    agentId: entry.agentId,
    name: entry.displayName,
    state: stateName(status?.state),
    reason: status?.notReadyReason?.code ?? '',
    since: status?.stateChangedAt?.toISOString() ?? null,
    interactionIds: status?.interactionIds ?? [],
  };
}
