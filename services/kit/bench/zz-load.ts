import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { connectNats, createLogger, createNatsRpcClient, startTelemetry } from '../src/index.js';
import { EchoServiceService } from '../test/protos/gen/ts/parley/kittest/v1/echo.js';
import { closedLoop } from './load-patterns.js';
if (process.env.BENCH_TELEMETRY !== 'off') startTelemetry({ serviceName: 'c', site: 's' });
const child = spawn(process.execPath, [new URL('./bench-server.js', import.meta.url).pathname, 'nats://127.0.0.1:4222', 'zzload', 'zzload.raw'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => child.stdout.once('data', r));
const nc = await connectNats({ servers: ['nats://127.0.0.1:4222'], name: 'c', logger: createLogger({ service: 'c', level: 'warn' }) });
const c = createNatsRpcClient(nc, EchoServiceService, { domain: 'zzload' });
const req = { text: 'hello', delayMs: 0, failWithCode: 0, padding: Buffer.alloc(0) };
const reqBytes = EchoServiceService.echo.requestSerialize(req);
const natsPid = execSync('pgrep -x nats-server').toString().trim().split('\n')[0];
const natsTicks = () => { const f = readFileSync(`/proc/${natsPid}/stat`, 'utf8').split(' '); return (Number(f[13]) + Number(f[14])) * 10_000; };
const serverCpu = async () => Number(new TextDecoder().decode((await nc.request('zzload.raw.cpu', undefined, { timeout: 2_000 })).data));
const modes: Record<string, () => Promise<unknown>> = { raw: () => nc.request('zzload.raw', reqBytes, { timeout: 5000 }), kit: () => c.echo(req) };
for (const m of ['raw', 'kit', 'raw', 'kit']) {
  const c0 = process.cpuUsage(); const s0 = await serverCpu(); const n0 = natsTicks();
  const r = await closedLoop(modes[m]!, 64, 100_000, 10);
  const c1 = process.cpuUsage(c0); const s1 = (await serverCpu()) - s0; const n1 = natsTicks() - n0;
  const per = (x: number) => (x / r.count).toFixed(1);
  console.log(m.padEnd(4), r.perSecond.toFixed(0).padStart(6), 'req/s | cpu µs/call client', per(c1.user + c1.system), 'server', per(s1), 'nats', per(n1), 'total', per(c1.user + c1.system + s1 + n1));
}
child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); process.exit(0);
