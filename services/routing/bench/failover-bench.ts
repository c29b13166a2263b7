// Failover: two routing replicas (owner + standby, separate processes) under a steady load of chats; the owner is
// killed with SIGKILL; measured: time from the kill to the first offer made by the new owner, and — counted from
// the events — interactions lost or served twice. Run: pnpm --filter @parley/routing bench:failover
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import {
  closeNats,
  connectNats,
  createLogger,
  createNatsRpcClient,
  deleteEventStreams,
  ensureEventStreams,
} from '@parley/kit';
import { retryWhileUnavailable } from '@parley/kit/testing';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  EndInteractionRequest,
  EnqueueInteractionRequest,
  ListQueuesRequest,
  LoginAgentRequest,
  RoutingServiceService,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** Interactions left waiting (in a queue no agent can serve) before the kill: the state the standby must hold. */
const backlog = Number(process.env.BENCH_BACKLOG ?? 0);
/** 'hot' (default): the standby follows the log; 'cold': it restores the snapshot and replays on takeover. */
const standbyMode = process.env.BENCH_STANDBY === 'cold' ? 'cold' : 'hot';
const logger = createLogger({ service: 'failover-bench', level: 'warn' });
const nc = await connectNats({ servers: [natsUrl], name: 'failover-bench', logger });
const jsm = await jetstreamManager(nc);
import { namespacedRoutingResources, removeRoutingResources } from '../src/routing-resources.js';

const script = fileURLToPath(new URL('./replica-process.js', import.meta.url));

async function round(index: number): Promise<{ takeoverMs: number; lost: number; twice: number; total: number }> {
  const run = `fob${Date.now().toString(36)}${index}`;
  const streams = {
    stream: `${run.toUpperCase()}_EVENTS`,
    subjectPrefix: `${run}.evt`,
    deadLetterStream: `${run.toUpperCase()}_DLQ`,
    deadLetterPrefix: `${run}.dlq`,
    duplicateWindowMs: 120_000,
    maxAgeMs: 3_600_000,
  };
  await ensureEventStreams(jsm, streams);
  const setup = { eventStreams: streams, resources: namespacedRoutingResources(run) };
  const start = (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [script], {
      env: {
        ...process.env,
        NATS_URL: natsUrl,
        GRPC_PORT: '0',
        HTTP_PORT: '0',
        LOG_LEVEL: 'warn',
        PARLEY_SITE: 'bench',
        ROUTING_HOT_STANDBY: String(standbyMode === 'hot'),
        REPLICA_SETUP: JSON.stringify(setup),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve) => child.stdout.once('data', () => resolve(child)));
  };
  const events: Envelope[] = [];
  const messages = await (await jetstream(nc).consumers.get(streams.stream)).consume();
  void (async () => {
    for await (const message of messages as AsyncIterable<JsMsg>) {
      events.push(Envelope.decode(message.data));
      message.ack();
    }
  })();

  const owner = await start();
  const client = createNatsRpcClient(nc, RoutingServiceService, { domain: `${run}.p0`, defaultTimeoutMs: 1_000 });
  await retryWhileUnavailable(() => client.listQueues(ListQueuesRequest.fromPartial({})));
  const standby = await start();
  await retryWhileUnavailable(() =>
    client.upsertQueue(
      UpsertQueueRequest.fromPartial({ queue: { id: 'q', displayName: 'Q', channels: [Channel.CHANNEL_CHAT] } }),
    ),
  );
  for (let a = 0; a < 20; a++) {
    await retryWhileUnavailable(() =>
      client.upsertAgent(
        UpsertAgentRequest.fromPartial({
          agent: {
            id: `a${a}`,
            displayName: `A${a}`,
            siteId: 'bench',
            capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 3 }],
          },
        }),
      ),
    );
    await retryWhileUnavailable(() =>
      client.loginAgent(
        LoginAgentRequest.fromPartial({
          agentId: `a${a}`,
          sessionId: `s${a}`,
          initialState: AgentState.AGENT_STATE_AVAILABLE,
        }),
      ),
    );
  }
  await fillBacklog(client);
  const answered = new Set<string>();
  const desk = setInterval(() => {
    for (const offer of events) {
      if (offer.type !== 'offer.created' || answered.has(offer.offerId)) continue;
      answered.add(offer.offerId);
      void retryWhileUnavailable(() => client.acceptOffer({ offerId: offer.offerId, agentId: offer.agentId }))
        .then(() =>
          retryWhileUnavailable(() =>
            client.endInteraction(EndInteractionRequest.fromPartial({ interactionId: offer.interactionId })),
          ),
        )
        .catch(() => undefined);
    }
  }, 10);

  const total = 600; // 200/s for 3 s, the owner killed after 1 s
  let killedAt = 0;
  const enqueues: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    if (i === 200) {
      owner.kill('SIGKILL');
      killedAt = Date.now();
    }
    enqueues.push(
      retryWhileUnavailable(() =>
        client.enqueueInteraction(
          EnqueueInteractionRequest.fromPartial({
            interaction: { id: `${run}-${i}`, channel: Channel.CHANNEL_CHAT, siteId: 'bench', queueId: 'q' },
          }),
        ),
      ).catch(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(enqueues);
  const completed = () =>
    new Set(events.filter((e) => e.type === 'interaction.completed').map((e) => e.interactionId)).size;
  const deadline = Date.now() + 30_000;
  while (completed() < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  clearInterval(desk);

  const connected = new Map<string, number>();
  for (const e of events)
    if (e.type === 'interaction.connected') connected.set(e.interactionId, (connected.get(e.interactionId) ?? 0) + 1);
  const takeover = events.find(
    (e) =>
      e.type === 'offer.created' && (e.occurredAt?.getTime() ?? 0) > killedAt && !e.source.endsWith(`/${owner.pid}`),
  );
  standby.kill('SIGTERM');
  await messages.close();
  await deleteEventStreams(jsm, streams);
  await removeRoutingResources(nc, setup.resources, 'bench', ['p0']);
  return {
    takeoverMs: (takeover?.occurredAt?.getTime() ?? NaN) - killedAt,
    lost: total - connected.size,
    twice: [...connected.values()].filter((n) => n > 1).length,
    total,
  };
}

/** Enqueues the backlog, 256 calls in flight, then gives a hot standby time to catch up with it. */
async function fillBacklog(client: ReturnType<typeof createNatsRpcClient<typeof RoutingServiceService>>) {
  if (backlog === 0) return;
  await client.upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: {
        id: 'backlog',
        displayName: 'Backlog',
        channels: [Channel.CHANNEL_CHAT],
        skillsExpression: 'skill.none >= 1',
      },
    }),
  );
  for (let from = 0; from < backlog; from += 256) {
    const batch = Array.from({ length: Math.min(256, backlog - from) }, (_, i) =>
      retryWhileUnavailable(() =>
        client.enqueueInteraction(
          EnqueueInteractionRequest.fromPartial({
            interaction: {
              id: `backlog-${from + i}`,
              channel: Channel.CHANNEL_CHAT,
              siteId: 'bench',
              queueId: 'backlog',
            },
          }),
        ),
      ),
    );
    await Promise.all(batch);
  }
  await new Promise((resolve) => setTimeout(resolve, 5_000));
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; lease TTL 2 s; ${standbyMode} standby; ` +
    `${backlog} interactions waiting besides the load`,
);
for (let i = 0; i < rounds; i++) {
  const r = await round(i);
  console.log(
    `round ${i + 1}: owner killed → first offer from the new owner ${r.takeoverMs.toFixed(0)} ms; of ${r.total} interactions ${r.lost} lost, ${r.twice} served twice (goal < 3 s, zero lost)`,
  );
}
await closeNats(nc);
process.exit(0);
