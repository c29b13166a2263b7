// Runs Debian's sipp (package sip-tester) against a local endpoint, bounded in calls and time, loopback only.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@parley/kit/testing';

export interface SippRun {
  /** 0: every call succeeded; 1: at least one failed (sipp's own exit codes). */
  exitCode: number;
  output: string;
}

/** Where Debian's sip-tester keeps the pcaps its built-in uac_pcap scenario plays (it looks in ./pcap). */
const DEBIAN_PCAPS = '/usr/share/sip-tester';

/** `port`: where sipp listens (a far end the gateway calls must be known before it runs); default any free one. */
export async function runSipp(args: string[], timeoutMs = 60_000, port?: number): Promise<SippRun> {
  port ??= await freePort();
  // sipp writes its error and statistics files next to where it runs: a directory of its own.
  const directory = await mkdtemp(path.join(tmpdir(), 'sipp-'));
  await symlink(DEBIAN_PCAPS, path.join(directory, 'pcap'));
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        'sipp',
        ['-i', '127.0.0.1', '-p', String(port), '-nostdin', '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, ...args],
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
