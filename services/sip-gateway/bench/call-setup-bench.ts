// Call-setup benchmark: 10,000 dialogs held at once with the heap per dialog; then sipp's UAC scenario (INVITE →
// 100 → 200 → ACK → BYE → 200) at stepped rates against sipp's own UAS, the ceiling of this machine, against
// Parley's answering endpoint (this process, one core), 5 s a step, and against the endpoint with the media service
// in the path (an RTP endpoint allocated at media for every call and released on its BYE). Loopback only; every
// sipp run is bounded in calls and time. Run: pnpm --filter @parley/sip-gateway bench
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient } from '@parley/kit';
import { createTestEventStreams, freePort, testNatsUrl } from '@parley/kit/testing';
import { loadMediaConfig } from '@parley/media/config';
import { startMediaService } from '@parley/media/service';
import { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { AnsweringEndpoint } from '../src/gateway/answering-endpoint.js';
import { NatsCallMedia } from '../src/media/nats-call-media.js';
import { runSipp } from '../test/support/sipp.js';

const mediaRates = (process.env.BENCH_MEDIA_RATES ?? '300,500,800,1200').split(',').map(Number);
const rates = (process.env.BENCH_RATES ?? '300,600,1000,1500,2000,2500,3000,4000').split(',').map(Number);
const stepSeconds = Number(process.env.BENCH_SECONDS ?? 5);
const heldDialogs = Number(process.env.BENCH_DIALOGS ?? 10_000);

interface Step {
  rate: number;
  calls: number;
  successful: number;
  failed: number;
  achieved: number;
  /** Parley's side: dialogs left open after the step (a lost ACK or BYE), undefined for sipp's UAS. */
  leftOpen?: number;
}

function stat(output: string, label: string): number {
  const line = output.split('\n').findLast((l) => l.trim().startsWith(label));
  const cells = line?.split('|').map((cell) => cell.trim()) ?? [];
  return Number.parseFloat(cells[2] ?? 'NaN');
}

async function step(target: string, rate: number): Promise<Step> {
  const calls = rate * stepSeconds;
  const run = await runSipp(
    ['-sn', 'uac', target, '-m', String(calls), '-r', String(rate), '-l', String(calls)],
    (stepSeconds + 30) * 1000,
  );
  return {
    rate,
    calls,
    successful: stat(run.output, 'Successful call'),
    failed: stat(run.output, 'Failed call'),
    achieved: stat(run.output, 'Call Rate'),
  };
}

// Clean: every call completed on both sides, at (nearly) the offered rate — sipp slows down when answers lag.
const clean = (r: Step) => r.failed === 0 && r.successful === r.calls && !r.leftOpen && r.achieved >= 0.97 * r.rate;

async function steps(target: string, openDialogs?: () => number, stepRates = rates): Promise<Step[]> {
  const results: Step[] = [];
  for (const rate of stepRates) {
    const result = await step(target, rate);
    // sipp's scenario takes any 200 after its BYE, even a retransmitted 200 to the INVITE: a call is complete only
    // when Parley's side saw it end too.
    if (openDialogs) result.leftOpen = openDialogs();
    results.push(result);
    if (!clean(result)) break; // the ceiling is reached
  }
  return results;
}

const print = (name: string, results: Step[]) => {
  for (const r of results)
    console.log(
      `${name}: ${r.rate} cps offered, ${r.calls} calls: ${r.successful} ok, ${r.failed} failed, ` +
        `${r.achieved.toFixed(1)} cps achieved${r.leftOpen === undefined ? '' : `, ${r.leftOpen} dialogs left open`}`,
    );
  const best = results.filter(clean).at(-1);
  console.log(`${name}: highest clean step ${best ? `${best.rate} cps` : 'none'}`);
};

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

// 1. Dialogs held at once, measured first, on a fresh heap (the steps leave transactions behind for 32 s).
const holder = await AnsweringEndpoint.start({
  host: '127.0.0.1',
  port: 0,
  allowedSources: ['127.0.0.1'],
  mediaAddress: '127.0.0.1',
  mediaPort: 40_000,
});
try {
  // Calls that stay up (sipp pauses 40 s before its BYE) until `heldDialogs` are established.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const hold = runSipp(
    [
      '-sn',
      'uac',
      `127.0.0.1:${holder.port}`,
      '-m',
      String(heldDialogs),
      '-r',
      '1000',
      '-l',
      String(heldDialogs),
      '-d',
      '40000',
    ],
    120_000,
  );
  const deadline = Date.now() + 60_000;
  while (holder.activeDialogs < heldDialogs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // let the setups' transactions settle
  gc?.();
  const held = holder.activeDialogs;
  const heapHeld = process.memoryUsage().heapUsed;
  console.log(
    `dialogs held at once: ${held} (goal ${heldDialogs}); heap ${(heapBefore / 2 ** 20).toFixed(1)} → ` +
      `${(heapHeld / 2 ** 20).toFixed(1)} MiB: ${((heapHeld - heapBefore) / Math.max(1, held) / 1024).toFixed(2)} KiB per dialog ` +
      `(with their INVITE transactions until Timer L)`,
  );
  const finished = await hold;
  console.log(
    `held calls ended by BYE: ${holder.activeDialogs === 0 ? 'all' : `${holder.activeDialogs} left`} (sipp exit ${finished.exitCode})`,
  );
} finally {
  await holder.close();
}

// 2. The ceiling: sipp answering sipp.
const uasPort = await freePort();
const uas = spawn('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-timeout', '600s'], {
  stdio: 'ignore',
});
await new Promise((resolve) => setTimeout(resolve, 500));
try {
  print('sipp UAS (ceiling)', await steps(`127.0.0.1:${uasPort}`));
} finally {
  uas.kill('SIGKILL');
}

// 3. Parley's endpoint, in this process.
const endpoint = await AnsweringEndpoint.start({
  host: '127.0.0.1',
  port: 0,
  allowedSources: ['127.0.0.1'],
  mediaAddress: '127.0.0.1',
  mediaPort: 40_000,
});
try {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  console.log(`Parley UDP receive buffer: ${(endpoint.receiveBufferSize / 2 ** 20).toFixed(1)} MiB (kernel-reported)`);
  print('Parley answering endpoint', await steps(`127.0.0.1:${endpoint.port}`, () => endpoint.activeDialogs));
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `after the steps: ${endpoint.counts.answered} answered, ${endpoint.counts.ended} ended by BYE, ` +
      `${endpoint.activeDialogs} dialogs still open`,
  );
  console.log(
    `Parley process CPU during the steps: ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)} % of one core`,
  );
} finally {
  await endpoint.close();
}

// 4. With media in the path: the media service (its Node side in this process, one mediasoup worker beside it)
// allocates and releases an RTP endpoint for every call over NATS.
const nc = await connectNats({
  servers: [testNatsUrl],
  name: 'call-setup-bench',
  logger: createLogger({ service: 'bench', level: 'silent' }),
});
const streams = await createTestEventStreams(await jetstreamManager(nc));
const media = await startMediaService({
  config: loadMediaConfig({
    NATS_URL: testNatsUrl,
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MEDIA_WORKERS: '1',
    MEDIA_RPC_DOMAIN: 'media-call-setup-bench',
  }),
  eventStreams: streams.config,
  handleSignals: false,
});
const withMedia = await AnsweringEndpoint.start({
  host: '127.0.0.1',
  port: 0,
  allowedSources: ['127.0.0.1'],
  callMedia: new NatsCallMedia(createNatsRpcClient(nc, MediaServiceService, { domain: 'media-call-setup-bench' })),
  mediaAddress: '127.0.0.1',
  mediaPort: 40_000,
});
try {
  print('Parley with media', await steps(`127.0.0.1:${withMedia.port}`, () => withMedia.activeDialogs, mediaRates));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  console.log(
    `after the media steps: ${withMedia.counts.answered} answered, ${withMedia.counts.mediaUnavailable} refused for ` +
      `media, ${media.engine.graph.endpoints.size} endpoints still open at media`,
  );
} finally {
  await withMedia.close();
  await media.stop();
  await streams.remove();
  await closeNats(nc);
}
