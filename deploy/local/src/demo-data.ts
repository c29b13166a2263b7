// Seeds the demo records (demo-records.ts) into routing and the SIP gateway once they answer, so `pnpm start` ends
// in a stack one can log in to and call at once. Each record is created only when missing: a second run on the same
// data changes nothing (no new revisions, no new flow version), and what someone changed in the admin UI stays.
import { AgentDevice, AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { LocalRunnerError } from './errors.js';
import {
  agents,
  DEMO_DID,
  DEMO_FLOW_ID,
  DEMO_LOGIN,
  demoFlow,
  notReadyReasons,
  queues,
  RUNNER_ACTOR,
  wrapUpCodes,
} from './demo-records.js';
import type { DemoAgent } from './demo-records.js';
import { describeError, isNotFound, retryTransient, waitUntilAnswering } from './service-rpc.js';
import type { RoutingClient, ServiceClients, ServiceDomains } from './service-rpc.js';

export interface DemoDataOptions {
  readonly clients: Pick<ServiceClients, 'routing' | 'sipGateway'>;
  readonly domains: ServiceDomains;
  /** How long to wait for routing and the SIP gateway to answer. */
  readonly waitTimeoutMs: number;
  /** Aborts the wait (Ctrl-C during start-up). */
  readonly signal?: AbortSignal;
  /** One line per thing seeded. */
  readonly report: (line: string) => void;
}

/** What a newcomer is told once the data is in. */
export interface DemoHint {
  readonly apiUrl: string;
  readonly sipHost: string;
  readonly sipPort: number;
}

export async function seedDemoData(options: DemoDataOptions): Promise<void> {
  const { routing, sipGateway } = options.clients;
  await waitUntilAnswering(
    [
      {
        name: 'routing',
        domain: `parley.rpc.${options.domains.routing}`,
        call: (timeoutMs) => routing.listNotReadyReasons({}, { timeoutMs }),
      },
      {
        name: 'sip-gateway',
        domain: `parley.rpc.${options.domains.sipGateway}`,
        call: (timeoutMs) => sipGateway.listFlows({}, { timeoutMs }),
      },
    ],
    options.waitTimeoutMs,
    options.signal,
  );
  try {
    await seedRouting(routing, options.report);
    await seedFlow(sipGateway, options.report);
  } catch (error) {
    if (error instanceof LocalRunnerError) throw error;
    throw new LocalRunnerError('PARLEY_LOCAL_DEMO_DATA_FAILED', `demo data refused: ${describeError(error)}`, {
      cause: error,
    });
  }
}

export function demoHintLine(hint: DemoHint): string {
  return (
    `demo: log in at ${hint.apiUrl} as ${DEMO_LOGIN.username} / ${DEMO_LOGIN.password}; ` +
    `call sip:${DEMO_DID}@${hint.sipHost}:${hint.sipPort}`
  );
}

async function seedRouting(routing: RoutingClient, report: (line: string) => void): Promise<void> {
  const line = (what: string, created: boolean, detail = '') =>
    report(`demo: ${what}${detail ? ` (${detail})` : ''}: ${created ? 'created' : 'already there, kept'}`);

  const reasons = await retryTransient(() => routing.listNotReadyReasons({}));
  const knownReasons = new Set(reasons.reasons.map((reason) => reason.code));
  for (const reason of notReadyReasons) {
    const missing = !knownReasons.has(reason.code);
    if (missing) await retryTransient(() => routing.upsertNotReadyReason({ reason }));
    line(`not-ready reason ${reason.code}`, missing, `${reason.displayName}${reason.productive ? ', productive' : ''}`);
  }

  const codes = await retryTransient(() => routing.listWrapUpCodes({ queueId: '', includeInactive: true }));
  const knownCodes = new Set(codes.wrapUpCodes.map((code) => code.id));
  for (const { name, code } of wrapUpCodes) {
    const missing = !knownCodes.has(code.id);
    if (missing) await retryTransient(() => routing.upsertWrapUpCode({ wrapUpCode: code }));
    line(`wrap-up code ${name}`, missing, `${code.id}, "${code.displayName}", ${code.category}`);
  }

  for (const queue of queues) {
    const missing = !(await exists(() => routing.getQueue({ queueId: queue.id })));
    if (missing) await retryTransient(() => routing.upsertQueue({ queue, expectedRevision: 0 }));
    line(
      `queue ${queue.id}`,
      missing,
      `${queue.channels.map(channelName).join(', ')}, site ${queue.siteIds.join(', ')}`,
    );
  }

  for (const demo of agents) await seedAgent(routing, demo, line, report);
}

async function seedAgent(
  routing: RoutingClient,
  demo: DemoAgent,
  line: (what: string, created: boolean, detail?: string) => void,
  report: (line: string) => void,
): Promise<void> {
  const { agent, parkedIn } = demo;
  const found = await find(() => routing.getAgent({ agentId: agent.id }));
  if (found === undefined) await retryTransient(() => routing.upsertAgent({ agent, expectedRevision: 0 }));
  const capacities = agent.capacities.map((c) => `${channelName(c.channel)} ${c.maxConcurrent}`).join(', ');
  line(`agent ${agent.id}`, found === undefined, `${agent.displayName}, site ${agent.siteId}, ${capacities}`);
  if (parkedIn === undefined) return;
  const state = found?.agent?.status?.state ?? AgentState.AGENT_STATE_OFFLINE;
  if (state !== AgentState.AGENT_STATE_OFFLINE) return;
  // Never AVAILABLE: nobody answers for this agent, so offers would ring out and calls would not reach anna.
  await retryTransient(() =>
    routing.loginAgent({
      agentId: agent.id,
      sessionId: parkedIn.sessionId,
      device: AgentDevice.AGENT_DEVICE_BROWSER,
      initialState: AgentState.AGENT_STATE_NOT_READY,
      initialReasonCode: parkedIn.reasonCode,
      takeOver: false,
    }),
  );
  report(`demo: agent ${agent.id}: logged in, not ready (${parkedIn.reasonCode}), so the wallboard has company`);
}

async function seedFlow(sipGateway: ServiceClients['sipGateway'], report: (line: string) => void): Promise<void> {
  const stored = await find(() => sipGateway.getFlow({ flowId: DEMO_FLOW_ID, version: 0 }));
  const what = (version: number | undefined) =>
    `demo: IVR flow ${DEMO_FLOW_ID} (runs for every dialled number, ${DEMO_DID} included; version ${version ?? '?'})`;
  if (stored?.flow !== undefined) {
    report(`${what(stored.flow.version)}: already there, kept`);
    return;
  }
  const documentJson = JSON.stringify(demoFlow.document);
  // PutFlow validates too; asking first gives every problem with its JSON pointer rather than a refusal.
  const check = await retryTransient(() => sipGateway.validateFlow({ documentJson }));
  if (!check.valid) {
    const problems = check.problems.map((problem) => `${problem.path || '/'}: ${problem.message}`);
    throw new LocalRunnerError(
      'PARLEY_LOCAL_DEMO_DATA_FAILED',
      `the demo flow is not valid for this SIP gateway: ${problems.join('; ')}`,
    );
  }
  const put = await retryTransient(() =>
    sipGateway.putFlow({
      flow: { id: DEMO_FLOW_ID, displayName: demoFlow.displayName, version: 0, documentJson },
      expectedVersion: 0,
      actor: RUNNER_ACTOR,
    }),
  );
  report(`${what(put.flow?.version)}: created`);
}

/** The record, or undefined when the service says NOT_FOUND. */
async function find<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await retryTransient(get);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function exists(get: () => Promise<unknown>): Promise<boolean> {
  return (await find(get)) !== undefined;
}

function channelName(channel: Channel): string {
  return Channel[channel].replace(/^CHANNEL_/, '').toLowerCase();
}
