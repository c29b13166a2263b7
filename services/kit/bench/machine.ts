// The machine a benchmark ran on, printed with every figure (CONVENTIONS.md: every number names its hardware).
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  let nats = 'unknown';
  try {
    nats = execFileSync('nats-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* nats-server not on PATH: the benchmark may be using a remote NATS_URL */
  }
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${nats}`;
}
