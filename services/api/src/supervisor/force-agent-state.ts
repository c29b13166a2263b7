// A supervisor (or admin) forcing an agent of their site into a state; OFFLINE logs the agent out (conversations in
// progress go on). Shared by the supervisor socket and REST.
import { ParleyError, Status, type RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { canSuperviseSite } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';

export type ForcedState = 'AVAILABLE' | 'NOT_READY' | 'OFFLINE';

export async function forceAgentState(
  routing: RpcClient<typeof RoutingServiceService>,
  caller: Principal,
  change: { agentId: string; state: ForcedState; reasonId?: string | undefined },
): Promise<void> {
  const { agent } = await routing.getAgent({ agentId: change.agentId });
  if (!agent || !canSuperviseSite(caller, agent.siteId))
    throw new ParleyError('PARLEY_API_NOT_YOUR_SITE', `agent ${change.agentId} is not of your site`, {
      status: Status.PERMISSION_DENIED,
      domain: 'api',
    });
  const actor = supervisorActor(caller);
  if (change.state === 'OFFLINE') {
    await routing.logoutAgent({ agentId: change.agentId, force: true, actor });
    return;
  }
  await routing.setAgentState({
    agentId: change.agentId,
    state: change.state === 'AVAILABLE' ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
    notReadyReasonCode: change.reasonId ?? (change.state === 'NOT_READY' ? 'forced' : ''),
    actor,
  });
}

export function supervisorActor(principal: Principal): Actor {
  return Actor.fromPartial({
    kind: principal.roles.has('supervisor') ? ActorKind.ACTOR_KIND_SUPERVISOR : ActorKind.ACTOR_KIND_ADMIN,
    id: principal.username,
    displayName: principal.name,
  });
}
