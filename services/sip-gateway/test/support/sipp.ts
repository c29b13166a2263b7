// Runs Debian's sipp (package sip-tester) against a local endpoint, bounded in calls and time, loopback only.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSocket } from 'node:dgram';

export interface SippRun {
  /** 0: every call succeeded; 1: at least one failed (sipp's own exit codes). */
  exitCode: number;
  output: string;
}

/** Where Debian's sip-tester keeps the pcaps its built-in uac_pcap scenario plays (it looks in ./pcap). */
const DEBIAN_PCAPS = '/usr/share/sip-tester';

/**
 * A UDP port for a sipp to listen on: random in 20000–29999, below both the kernel's ephemeral range (where ports
 * the OS hands out land) and the media services' RTP ranges (40000 up), so another test file's media endpoint or
 * socket cannot take it between now and sipp's start; checked free.
 */
export async function sippPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const socket = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    socket.close();
    if (free) return port;
  }
}

/**
 * The first of four UDP ports for sipp's media sockets (audio RTP/RTCP, video RTP/RTCP): even, random in
 * 30000–32763, a range of their own (sipp's signalling ports are 20000–29999, the kernel's ephemeral ones start at
 * 32768), all four checked free. Left to itself sipp picks media ports that can collide with another sipp's.
 */
export async function sippMediaPort(): Promise<number> {
  for (;;) {
    const first = 30_000 + 2 * Math.floor(Math.random() * 1_382);
    const sockets = [0, 1, 2, 3].map(() => createSocket('udp4'));
    const free = await Promise.all(
      sockets.map(
        (socket, offset) =>
          new Promise<boolean>((resolve) => {
            socket.once('error', () => resolve(false));
            socket.bind(first + offset, '127.0.0.1', () => resolve(true));
          }),
      ),
    );
    for (const socket of sockets) socket.close();
    if (free.every(Boolean)) return first;
  }
}

/** `port`: where sipp listens (a far end the gateway calls must be known before it runs); default any free one. */
export async function runSipp(args: string[], timeoutMs = 60_000, port?: number): Promise<SippRun> {
  if (port !== undefined) return runSippOnce(args, timeoutMs, port);
  // A port chosen here can still be taken by another test file in the moment before sipp binds it: try another.
  for (let attempt = 1; ; attempt += 1) {
    const run = await runSippOnce(args, timeoutMs, await sippPort());
    if (!run.output.includes('Unable to bind') || attempt >= 3) return run;
  }
}

async function runSippOnce(args: string[], timeoutMs: number, port: number): Promise<SippRun> {
  // sipp writes its error and statistics files next to where it runs: a directory of its own.
  const mediaPort = await sippMediaPort();
  const directory = await mkdtemp(path.join(tmpdir(), 'sipp-'));
  await symlink(DEBIAN_PCAPS, path.join(directory, 'pcap'));
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        'sipp',
        [
          '-i',
          '127.0.0.1',
          '-p',
          String(port),
          ...(args.includes('-mp') ? [] : ['-mp', String(mediaPort)]),
          '-nostdin',
          '-timeout',
          `${Math.ceil(timeoutMs / 1000)}s`,
          ...args,
        ],
        { cwd: directory, timeout: timeoutMs + 5_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error?.code === 'ENOENT') {
            reject(new Error('sipp is not installed: apt-get install -y sip-tester (.ci/run does)'));
            return;
          }
          const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
          resolve({ exitCode: code, output: `${stdout}\n${stderr}` });
        },
      );
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Resolves once something listens on UDP `port` on loopback (a sipp started in the background has bound it), read
 * from the kernel's socket table; a busy machine can take well over a second to start sipp.
 */
export async function udpPortBound(port: number, timeoutMs = 10_000): Promise<void> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const started = Date.now();
  for (;;) {
    const table = await readFile('/proc/net/udp', 'utf8');
    if (table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(`:${hex}`))) return;
    if (Date.now() - started > timeoutMs) throw new Error(`nothing listens on UDP port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
