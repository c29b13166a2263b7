// Chat figures (issue 7): conversations routed to agents through the real path (the chat widget's HTTP start,
// routing in this process, offers accepted on agents' sockets), then visitors' messages at rising rates, each timed
// from the visitor's socket write to the agent's socket (p50/p95/p99/max, lost). The API runs in its own process
// (api-process.ts) with the run's own streams; tokens come from the bench's issuer. Loopback only; every phase is
// bounded; whatever was started is stopped on exit, error or signal.
//
//   pnpm --filter @parley/api bench:chat [-- --agents 50 --chats-per-agent 4 --rates 200,500,1000 --seconds 10]
import { cpus, loadavg } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, ShutdownStack } from '@parley/kit';
import { testNatsUrl, uniqueName, waitFor } from '@parley/kit/testing';
import { Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Queue } from '@parley/protos/parley/common/v1/queue';
import { UpsertAgentRequest, UpsertQueueRequest } from '@parley/protos/parley/routing/v1/routing';
import { loadRoutingConfig } from '@parley/routing/config';
import { startRoutingReplica } from '@parley/routing/replica';
import { namespacedRoutingResources, removeRoutingResources } from '@parley/routing/resources';
import { createNatsRpcClient } from '@parley/kit';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { ulid } from 'ulid';
import type { ApiProcessReply, ApiProcessRequest } from './api-process.js';
import { createBenchStreams } from './bench-streams.js';
import { BenchChild } from './bench-child.js';
import { startBenchIssuer } from './bench-issuer.js';
import { BenchAgent, BenchVisitor, type ChatReceipts } from './chat-parties.js';
import { describeLatency, latencies, now, round } from './stats.js';

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}
const agents = Number(argument('agents', '50'));
const chatsPerAgent = Number(argument('chats-per-agent', '4'));
const rates = argument('rates', '200,500,1000').split(',').map(Number);
const seconds = Number(argument('seconds', '10'));
if (![agents, chatsPerAgent, seconds, ...rates].every((value) => Number.isInteger(value) && value > 0))
  throw new Error('--agents, --chats-per-agent, --seconds and --rates take whole numbers > 0');
const conversations = agents * chatsPerAgent;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const shutdown = new ShutdownStack(createLogger({ service: 'chat-bench', level: 'warn' }));
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void shutdown.close(5_000).finally(() => process.exit(130)));

async function main(): Promise<void> {
  const loadBefore = round(loadavg()[0] ?? Number.NaN);
  const site = uniqueName('chatbench');
  const issuer = await startBenchIssuer('parley-api');
  shutdown.add('issuer', () => issuer.close());
  const nc = await connectNats({
    servers: [testNatsUrl],
    name: 'chat-bench',
    logger: createLogger({ service: 'b', level: 'silent' }),
  });
  shutdown.add('nats', () => closeNats(nc));
  const jsm = await jetstreamManager(nc);
  const { streams, remove } = await createBenchStreams(jsm, site);
  shutdown.add('streams', remove);

  // Routing, here: it only routes the chats at the start; messages do not pass through it.
  const resources = namespacedRoutingResources(site);
  const environment = {
    NATS_URL: testNatsUrl,
    LOG_LEVEL: 'error',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    PARLEY_SITE: site,
  };
  const routing = await startRoutingReplica({
    config: loadRoutingConfig(environment),
    eventStreams: streams.events,
    handleSignals: false,
    resources,
  });
  shutdown.add('routing', async () => {
    await routing.stop();
    await removeRoutingResources(nc, resources, site, ['p0']);
  });
  await waitFor(() => routing.isOwner(), { timeoutMs: 15_000, description: 'routing to own its state' });
  const routingClient = createNatsRpcClient(nc, RoutingServiceService, { domain: `${site}.p0` });
  await waitFor(
    () =>
      routingClient.listQueues({ siteId: '', channel: 0, paging: undefined }).then(
        () => true,
        () => undefined,
      ),
    { timeoutMs: 15_000, description: 'routing over NATS' },
  );
  await routingClient.upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: Queue.fromPartial({ id: 'chat', displayName: 'Chat', channels: [Channel.CHANNEL_CHAT], siteIds: [site] }),
    }),
  );
  const agentIds = Array.from({ length: agents }, (_, index) => `agent-${index}`);
  for (const id of agentIds)
    await routingClient.upsertAgent(
      UpsertAgentRequest.fromPartial({
        agent: Agent.fromPartial({
          id,
          displayName: id,
          siteId: site,
          capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: chatsPerAgent }],
        }),
      }),
    );

  const { child: api, ready } = await BenchChild.start<ApiProcessRequest, ApiProcessReply, 'started'>({
    file: 'api-process.ts',
    args: [JSON.stringify(streams)],
    readyType: 'started',
    environment: {
      ...environment,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      API_OIDC_ISSUER: issuer.issuer,
      API_ROUTING_RPC_DOMAIN: `${site}.p0`,
      API_HISTORY_RPC_DOMAIN: `${site}-history`,
      API_MEDIA_RPC_DOMAIN: `${site}-media`,
      API_SIP_GATEWAY_RPC_DOMAIN: `${site}-sip-gateway`,
      // Every visitor and agent is on 127.0.0.1 here: the per-address limits must let them all in. A conversation
      // sends up to rate / conversations messages a second.
      API_REQUESTS_PER_MINUTE: '1000000',
      API_CHAT_STARTS_PER_HOUR: '1000000',
      API_CHAT_SOCKETS_PER_ADDRESS: '100000',
      API_CHAT_MESSAGE_BURST: '50',
      API_CHAT_MESSAGE_INTERVAL_MS: '20',
    },
  });
  shutdown.add('API process', () => api.stop());

  const totalMessages = rates.reduce((sum, rate) => sum + rate * seconds, 0);
  const receipts: ChatReceipts = {
    at: new Float64Array(totalMessages).fill(Number.NaN),
    received: 0,
    duplicates: 0,
    errors: 0,
  };
  const sentAt = new Float64Array(totalMessages).fill(Number.NaN);
  const socketUrl = `${ready.url.replace(/^http/, 'ws')}/api/v1/agent/socket`;
  const desks = await Promise.all(
    agentIds.map(async (id) => BenchAgent.open(socketUrl, await issuer.agentToken(id), receipts, 15_000)),
  );
  shutdown.add('agents', () => desks.forEach((desk) => desk.close()));
  await sleep(500); // the logins

  const setupStarted = now();
  const visitors: BenchVisitor[] = [];
  for (let start = 0; start < conversations; start += 20)
    visitors.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(20, conversations - start) }, (_, k) =>
          BenchVisitor.start(ready.url, `Visitor ${start + k}`, 15_000),
        ),
      )),
    );
  shutdown.add('visitors', () => visitors.forEach((visitor) => visitor.close()));
  await waitFor(
    () =>
      (visitors.every((visitor) => visitor.connected) &&
        desks.reduce((sum, desk) => sum + desk.connected, 0) >= conversations) ||
      undefined,
    {
      timeoutMs: 60_000,
      description: `${conversations} conversations connected (now: visitors ${visitors.filter((v) => v.connected).length}, agents ${desks.reduce((sum, desk) => sum + desk.connected, 0)}, errors ${receipts.errors})`,
    },
  );
  const setupSeconds = round((now() - setupStarted) / 1000);

  const phases = [];
  let n = 0;
  for (const rate of rates) {
    const first = n;
    const count = rate * seconds;
    const started = now();
    const apiCpu = api.cpuMs();
    // Open loop: message k goes at started + k / rate, whatever happened to the ones before.
    for (let k = 0; k < count; k += 1, n += 1) {
      const due = started + (k * 1000) / rate;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      sentAt[n] = now();
      visitors[n % conversations]!.send(n, ulid());
    }
    const indices = Array.from({ length: count }, (_, k) => first + k);
    const deadline = now() + 10_000;
    while (now() < deadline && indices.some((index) => Number.isNaN(receipts.at[index]!))) await sleep(50);
    const elapsed = now() - started;
    phases.push({
      rate,
      ...latencies(indices, sentAt, receipts.at),
      apiCpuPercent: round(((api.cpuMs() - apiCpu) / elapsed) * 100, 0),
    });
    await sleep(1_000);
  }

  const best = phases.filter((phase) => phase.lost === 0 && phase.p99Ms < 100).map((phase) => phase.rate);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; load average ${loadBefore} before, ${round(loadavg()[0] ?? Number.NaN)} after`,
  );
  console.log(
    `${conversations} conversations (${agents} agents × ${chatsPerAgent}) started, routed and accepted in ${setupSeconds} s`,
  );
  for (const phase of phases)
    console.log(
      `${describeLatency(`${phase.rate} messages/s for ${seconds} s`, phase, 'visitor → agent')}; API CPU ${phase.apiCpuPercent} % of a core`,
    );
  console.log(`duplicates ${receipts.duplicates}, errors on agents' sockets ${receipts.errors}`);
  console.log(
    `goal (p99 < 100 ms, nothing lost): ${best.length > 0 ? `met up to ${Math.max(...best)} messages/s` : 'not met'}`,
  );
  console.log(
    JSON.stringify({
      bench: 'api-chat',
      conversations,
      agents,
      chatsPerAgent,
      seconds,
      setupSeconds,
      phases,
      duplicates: receipts.duplicates,
      errors: receipts.errors,
      bestRate: best.length > 0 ? Math.max(...best) : null,
    }),
  );
}

try {
  await main();
} catch (error) {
  console.error('chat bench failed:', error);
  process.exitCode = 1;
} finally {
  await shutdown.close(10_000);
}
