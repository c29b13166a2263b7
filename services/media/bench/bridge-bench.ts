// Media figures (issue 6): bridged G.711 calls on ONE mediasoup worker at 50 packets/s each way, with the loss
// and the worker's CPU; the same streams through a naive Node.js UDP relay as the baseline; and bridge set-up
// latency (two RTP endpoints + bridge) at 50 set-ups per second. The RTP load comes from a separate process.
//
//   pnpm --filter @parley/media bench [-- --calls 500 --seconds 20]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PromptStore } from '../src/audio/prompt-store.js';
import { MediaEngine } from '../src/media-engine.js';
import { WorkerPool } from '../src/workers/worker-pool.js';
import type { RelayCommand, RelayReply } from './naive-udp-relay.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const calls = argument('calls', 500);
const seconds = argument('seconds', 20);
const setupRate = argument('setup-rate', 50);

/** CPU time (ms) a process has used in user and kernel mode, from /proc (the worker is not a Node process). */
function processCpuMs(pid: number): { user: number; system: number; total: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat (clock ticks of 10 ms); after the ") " split they are 11 and 12.
  const user = Number(fields[11]) * 10;
  const system = Number(fields[12]) * 10;
  return { user, system, total: user + system };
}

function request<Reply>(child: ChildProcess, message: unknown, type: string): Promise<Reply> {
  return new Promise((resolve) => {
    const listener = (reply: { type: string }) => {
      if (reply.type !== type) return;
      child.off('message', listener);
      resolve(reply as Reply);
    };
    child.on('message', listener);
    child.send(message as object);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface LoadResult {
  sent: number;
  received: number;
  wrongSource: number;
  outOfOrder: number;
  legsMissingAudio: number;
  cpuMs: number;
}

/** The RTP load: bench/rtp-blaster.c (compiled by the bench script), driven by lines on its stdin and stdout. */
class LoadGenerator {
  private waiting: ((line: string) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    /** Port of every leg, in leg order. */
    readonly ports: number[],
  ) {}

  static async start(legs: number): Promise<LoadGenerator> {
    const child = spawn(path.join(here, 'rtp-blaster'), { stdio: ['pipe', 'pipe', 'inherit'] });
    const reader = createInterface({ input: child.stdout! });
    const generator = new LoadGenerator(child, []);
    // Strict request/response: every command gets exactly one line back.
    reader.on('line', (line) => {
      const resolve = generator.waiting;
      generator.waiting = undefined;
      resolve?.(line);
    });
    const opened = await generator.ask(`open ${legs}`);
    generator.ports.push(...opened.split(' ').slice(1).map(Number));
    return generator;
  }

  async run(targets: { port: number }[], seconds: number): Promise<LoadResult> {
    const line = await this.ask(`run ${seconds} ${targets.map((target) => target.port).join(' ')}`);
    const [, sent, received, wrongSource, outOfOrder, legsMissingAudio, cpuMs] = line.split(' ').map(Number);
    return {
      sent: sent!,
      received: received!,
      wrongSource: wrongSource!,
      outOfOrder: outOfOrder!,
      legsMissingAudio: legsMissingAudio!,
      cpuMs: cpuMs!,
    };
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    if (this.child.exitCode === null) await once(this.child, 'exit');
  }

  private ask(command: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.child.stdin!.write(`${command}\n`);
    });
  }
}

const startChild = (file: string) => fork(path.join(here, file), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

async function main(): Promise<void> {
  const legs = calls * 2;
  const load = await LoadGenerator.start(legs);

  // --- mediasoup: one worker -----------------------------------------------------------------------------------
  const pool = await WorkerPool.start({
    workers: 1,
    rtpMinPort: 40_000,
    rtpMaxPort: 49_999,
    respawnDelayMs: 1_000,
    onWorkerDied: (_slot, error) => {
      console.error('worker died during the bench', error);
      process.exit(1);
    },
  });
  const engine = new MediaEngine(pool, {
    site: 'bench',
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    defaultHoldMusic: 'builtin/hold-music',
    prompts: new PromptStore(path.resolve(here, '../../../sip-gateway/prompts/en')),
    publish: () => undefined,
  });
  const worker = pool.all()[0]!;

  const setupLatencies: number[] = [];
  const targets: { address: string; port: number }[] = new Array(legs);
  const setupStarted = performance.now();
  const setups: Promise<void>[] = [];
  for (let call = 0; call < calls; call += 1) {
    // Paced: call n starts at n / rate seconds, whatever the previous ones are doing.
    const due = setupStarted + (call * 1000) / setupRate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    setups.push(
      (async () => {
        const started = performance.now();
        const [a, b] = await Promise.all(
          [2 * call, 2 * call + 1].map((leg) =>
            engine.createRtpEndpoint({
              id: `bench-${leg}`,
              callId: `call-${call}`,
              interactionId: `interaction-${call}`,
              codec: 'PCMU',
              payloadType: 0,
              telephoneEventPayloadType: 101,
              remote: { address: '127.0.0.1', port: load.ports[leg]! },
            }),
          ),
        );
        await engine.bridge(`bridge-${call}`, `interaction-${call}`, a!.ref, b!.ref);
        setupLatencies.push(performance.now() - started);
        targets[2 * call] = { address: a!.localAddress, port: a!.localPort };
        targets[2 * call + 1] = { address: b!.localAddress, port: b!.localPort };
      })(),
    );
  }
  await Promise.all(setups);
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const workerCpuBefore = processCpuMs(worker.worker.pid);
  const mediasoupRun = await load.run(targets, seconds);
  const workerCpuAfter = processCpuMs(worker.worker.pid);
  const window = seconds * 1000 + 500;
  const workerCpuPercent = ((workerCpuAfter.total - workerCpuBefore.total) / window) * 100;
  const workerKernelPercent = ((workerCpuAfter.system - workerCpuBefore.system) / window) * 100;
  engine.close();
  pool.close();

  // --- the naive Node.js relay, same streams -------------------------------------------------------------------
  const relay = startChild('naive-udp-relay.js');
  const relayOpened = await request<Extract<RelayReply, { type: 'opened' }>>(
    relay,
    {
      type: 'open',
      remotes: load.ports.map((port) => ({ address: '127.0.0.1', port })),
    } satisfies RelayCommand,
    'opened',
  );
  const relayCpuBefore = await request<Extract<RelayReply, { type: 'cpu' }>>(relay, { type: 'cpu' }, 'cpu');
  const relayRun = await load.run(
    relayOpened.ports.map((port) => ({ address: '127.0.0.1', port })),
    seconds,
  );
  const relayCpuAfter = await request<Extract<RelayReply, { type: 'cpu' }>>(relay, { type: 'cpu' }, 'cpu');
  const relayCpuPercent = ((relayCpuAfter.cpuMs - relayCpuBefore.cpuMs) / (seconds * 1000 + 500)) * 100;
  relay.kill();
  await Promise.all([once(relay, 'exit'), load.stop()]);

  const packetsPerSecond = legs * 50;
  const row = (name: string, result: LoadResult, cpu: number) =>
    `${name.padEnd(22)} ${String(result.sent).padStart(9)} ${String(result.received).padStart(9)} ` +
    `${String(result.sent - result.received).padStart(6)} ${String(result.wrongSource + result.outOfOrder).padStart(6)} ` +
    `${String(result.legsMissingAudio).padStart(6)} ${cpu.toFixed(1).padStart(8)}%   ` +
    `${((result.cpuMs / (seconds * 1000 + 500)) * 100).toFixed(1)}%`;
  console.log(
    `\nmedia bench: ${calls} bridged G.711 calls, ${packetsPerSecond} packets/s in (50/s per leg), ${seconds} s`,
  );
  console.log('anchor                      sent  received   lost  wrong  silent  anchor CPU   generator CPU');
  console.log(row('mediasoup (1 worker)', mediasoupRun, workerCpuPercent));
  console.log(row('naive Node UDP relay', relayRun, relayCpuPercent));
  console.log(
    `mediasoup worker CPU: ${workerKernelPercent.toFixed(1)} % in the kernel (UDP send and receive; on loopback a ` +
      `send also runs the receiving socket's delivery), ${(workerCpuPercent - workerKernelPercent).toFixed(1)} % in mediasoup`,
  );
  console.log(
    `CPU per call: mediasoup ${(workerCpuPercent / calls).toFixed(3)} %, naive relay ${(relayCpuPercent / calls).toFixed(3)} %` +
      ` (relay/mediasoup ${(relayCpuPercent / workerCpuPercent).toFixed(2)}×)`,
  );
  console.log(
    `calls per core at 70 % CPU (projected from this run): mediasoup ${Math.floor((70 / workerCpuPercent) * calls)}, ` +
      `naive relay ${Math.floor((70 / relayCpuPercent) * calls)}`,
  );
  console.log(
    `bridge set-up (2 RTP endpoints + bridge) at ${setupRate}/s: p50 ${percentile(setupLatencies, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(setupLatencies, 99).toFixed(2)} ms, max ${Math.max(...setupLatencies).toFixed(2)} ms ` +
      `(${calls} set-ups in ${setupSeconds.toFixed(1)} s)`,
  );
}

await main();
