// Kit benchmark: RPC over NATS vs raw NATS request/reply vs gRPC (same run, same payload, callee in its own
// process), and JetStream publishing with de-duplication. Prints the figures README's performance table quotes.
// Run: pnpm bench:kit   (env NATS_URL, BENCH_SECONDS to change the defaults)
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { ulid } from 'ulid';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  closeNats,
  connectNats,
  createGrpcRpcClient,
  createLogger,
  createNatsRpcClient,
  EventPublisher,
  startTelemetry,
} from '../src/index.js';
import { createTestEventStreams, uniqueName } from '../src/testing/index.js';
import { EchoRequest, EchoServiceService } from '../test/protos/gen/ts/parley/kittest/v1/echo.js';
import { closedLoop, openLoop, type LatencySummary } from './load-patterns.js';
import { describeMachine } from './machine.js';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const domain = uniqueName('kitbench');
const rawSubject = `${domain}.raw`;

const telemetryOn = process.env.BENCH_TELEMETRY !== 'off';
const telemetry = telemetryOn ? startTelemetry({ serviceName: 'kit-bench-client', site: 'bench' }) : undefined;
const logger = createLogger({ service: 'kit-bench', level: 'warn' });

async function startServer(): Promise<{ grpcPort: number; stop: () => void }> {
  // Compiled (production-like) when this file is compiled; through tsx only when run from source.
  const compiled = import.meta.url.endsWith('.js');
  const script = fileURLToPath(new URL(compiled ? './bench-server.js' : './bench-server.ts', import.meta.url));
  const loader = compiled ? [] : ['--conditions=parley-source', '--import', 'tsx'];
  const profile = process.env.BENCH_SERVER_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, ...loader, script, natsUrl, domain, rawSubject], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve(buffered.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const { grpcPort } = JSON.parse(line) as { grpcPort: number };
  return { grpcPort, stop: () => child.kill('SIGTERM') };
}

/** CPU time (µs) the local nats-server has used, from /proc; NaN when it is not a local process. */
function natsServerCpuReader(): () => number {
  let pid: string | undefined;
  try {
    pid = execFileSync('pgrep', ['-x', 'nats-server'], { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    pid = undefined;
  }
  const ticksPerSecond = 100; // USER_HZ on Linux
  return () => {
    if (!pid) return NaN;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond;
    } catch {
      return NaN;
    }
  };
}

function row(name: string, s: LatencySummary): string {
  return `| ${name.padEnd(34)} | ${s.perSecond.toFixed(0).padStart(8)} | ${s.p50Ms.toFixed(3).padStart(8)} | ${s.p99Ms.toFixed(3).padStart(8)} | ${String(s.errors).padStart(6)} |`;
}

async function main(): Promise<void> {
  console.log(`machine: ${describeMachine()}`);
  console.log(`nats: ${natsUrl}; ${seconds} s per throughput run; open loop at 1,000 req/s for ${seconds} s`);
  console.log(
    `telemetry: ${telemetryOn ? 'on in caller and callee (as services run; BENCH_TELEMETRY=off to compare)' : 'off'}\n`,
  );
  const server = await startServer();
  const nc = await connectNats({ servers: [natsUrl], name: 'kit-bench-client', logger });
  const request = { text: 'hello', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) };
  const requestBytes = EchoRequest.encode(request).finish();
  const calls = {
    'raw NATS request/reply': () => nc.request(rawSubject, requestBytes, { timeout: 5_000 }),
    'raw NATS + the kit headers': (() => {
      return () => {
        const h = headers();
        h.set('Parley-Deadline', String(Date.now() + 5_000));
        h.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
        return nc.request(rawSubject, requestBytes, { timeout: 5_000, headers: h });
      };
    })(),
    'kit RPC over NATS': (() => {
      const client = createNatsRpcClient(nc, EchoServiceService, { domain });
      return () => client.echo(request);
    })(),
    'kit RPC over gRPC (@grpc/grpc-js)': (() => {
      const { client } = createGrpcRpcClient(`127.0.0.1:${server.grpcPort}`, EchoServiceService);
      return () => client.echo(request);
    })(),
  };
  // Warm-up: JIT, connections, subscriptions.
  for (const call of Object.values(calls)) await closedLoop(call, 32, 3_000, 3);

  const header = `| ${'call (small message)'.padEnd(34)} | ${'req/s'.padStart(8)} | ${'p50 ms'.padStart(8)} | ${'p99 ms'.padStart(8)} | ${'errors'.padStart(6)} |\n|${'-'.repeat(36)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(8)}|`;
  console.log('Throughput, closed loop, 64 calls in flight');
  console.log(header);
  const throughput: Record<string, LatencySummary> = {};
  const cpuPerCall: Record<string, string> = {};
  const serverCpu = async () =>
    Number(new TextDecoder().decode((await nc.request(`${rawSubject}.cpu`, undefined, { timeout: 2_000 })).data));
  const natsCpu = natsServerCpuReader();
  for (const [name, call] of Object.entries(calls)) {
    const clientBefore = process.cpuUsage();
    const serverBefore = await serverCpu();
    const natsBefore = natsCpu();
    throughput[name] = await closedLoop(call, 64, 2_000_000, seconds);
    const client = process.cpuUsage(clientBefore);
    const server = (await serverCpu()) - serverBefore;
    const nats = natsCpu() - natsBefore;
    const count = throughput[name].count;
    const perCall = (us: number) => (Number.isNaN(us) ? 'n/a' : `${(us / count).toFixed(1)} µs`);
    cpuPerCall[name] =
      `caller ${perCall(client.user + client.system)}, callee ${perCall(server)}, nats-server ${perCall(nats)}`;
    console.log(row(name, throughput[name]));
  }
  console.log('CPU per call (where the time goes):');
  for (const [name, cpu] of Object.entries(cpuPerCall)) console.log(`  ${name}: ${cpu}`);
  const ratio = throughput['kit RPC over NATS']!.perSecond / throughput['raw NATS request/reply']!.perSecond;
  console.log(`kit RPC over NATS reaches ${(ratio * 100).toFixed(1)} % of raw NATS throughput (goal ≥ 80 %)\n`);

  console.log('Latency, open loop at 1,000 req/s');
  console.log(header);
  let worstLag = 0;
  for (const [name, call] of Object.entries(calls)) {
    const summary = await openLoop(call, 1_000, seconds);
    worstLag = Math.max(worstLag, summary.lagP99Ms);
    console.log(row(name, summary));
  }
  console.log(
    `sender schedule lag p99: ${worstLag.toFixed(3)} ms (timer granularity; latency is measured from the send)`,
  );
  console.log('(goal: kit RPC over NATS p99 under 2 ms)\n');
  server.stop();

  const jsm = await jetstreamManager(nc);
  const streams = await createTestEventStreams(jsm);
  const publisher = new EventPublisher(jetstream(nc), streams.config, nc);
  const total = 20_000;
  // A chat message event whose body brings the encoded envelope to about 1 KB.
  const body = 'Hello, I would like to change the delivery address of my last order. '.repeat(12).slice(0, 800);
  const events = Array.from({ length: total }, () => {
    const interactionId = ulid();
    return Envelope.fromPartial({
      id: ulid(),
      type: 'interaction.message_sent',
      site: 'bench',
      occurredAt: new Date(),
      interactionId,
      source: 'api/bench',
      correlationId: interactionId,
      interactionMessageSent: {
        message: {
          id: ulid(),
          senderKind: 1,
          senderId: 'visitor-1',
          senderDisplayName: 'Visitor',
          text: body,
          sentAt: new Date(),
        },
      },
    });
  });
  const size = Envelope.encode(events[0]!).finish().length;
  const t0 = performance.now();
  await publisher.publishAll(events, 256);
  const publishSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const again = await publisher.publishAll(events.slice(0, 5_000), 256);
  const duplicateSeconds = (performance.now() - t1) / 1000;
  const stored = (await jsm.streams.info(streams.config.stream)).state.messages;
  console.log('JetStream publish with de-duplication (file storage, acks awaited, 256 in flight)');
  console.log(
    `${total} events of ${size} bytes in ${publishSeconds.toFixed(2)} s = ${(total / publishSeconds).toFixed(0)} events/s (goal ≥ 20,000/s)`,
  );
  console.log(
    `re-published 5,000 of them: ${(5_000 / duplicateSeconds).toFixed(0)} events/s, duplicates flagged: ${again.filter((r) => r.duplicate).length}, stream holds ${stored} (expected ${total})`,
  );
  await streams.remove();
  await closeNats(nc);
  await telemetry?.shutdown();
}

await main();
process.exit(0);
