// A caller on the SIP side, all on loopback: Debian's sipp runs the scenario (signalling, the caller's µ-law audio
// and DTMF from pcaps) in the background, and tcpdump records what reaches sipp's audio port — the agent's voice
// as the caller's phone receives it — so the test can check the browser's audio arrived, decoded.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeMuLaw, muLawRms, toneAmplitude, toneMuLaw } from '@parley/media/testing/tone';
import { rtpPcap } from './rtp-pcap.js';

export interface CallerOptions {
  scenario: string;
  /** The number dialled (sipp's [service]). */
  number: string;
  sipPort: number;
  /** The tone (Hz) the caller talks with. */
  talkHz: number;
}

export interface ReceivedAudio {
  packets: number;
  /** Per RTP stream (SSRC) that arrived: its packets and how strongly `hz` is in it. */
  streams: { ssrc: string; packets: number; amplitude: number; rms: number; peakHz: number }[];
  /** How strongly `hz` is present in what arrived (≈ the tone's amplitude; ~0 when absent). */
  amplitude: number;
  /** The level of all that arrived (RMS of the decoded samples). */
  rms: number;
}

export interface SipCaller {
  /** sipp's exit: 0 when the scenario ran to its end (the agent hung up and sipp answered the BYE). */
  finished: Promise<{ code: number | null; output: string }>;
  /** µ-law RTP that reached the caller's audio port since `sinceMs` (epoch ms). */
  receivedSince(sinceMs: number, hz: number): Promise<ReceivedAudio>;
  stop(): Promise<void>;
}

export async function startSipCaller(options: CallerOptions): Promise<SipCaller> {
  const directory = await mkdtemp(path.join(tmpdir(), 'parley-caller-'));
  await symlink('/usr/share/sip-tester', path.join(directory, 'pcap'));
  await writeFile(path.join(directory, 'talk-short.pcap'), rtpPcap(toneMuLaw(options.talkHz, 2), 0, 0x5c1e0001));
  await writeFile(path.join(directory, 'talk-long.pcap'), rtpPcap(toneMuLaw(options.talkHz, 170), 0, 0x5c1e0001));
  await copyFile(options.scenario, path.join(directory, 'scenario.xml'));
  const signallingPort = await freeUdpPorts(20_000, 10_000, 1);
  const mediaPort = await freeUdpPorts(30_000, 2_700, 4);
  const capture = path.join(directory, 'caller-received.pcap');

  const tcpdump = spawn('tcpdump', ['-i', 'lo', '-n', '-U', '-w', capture, `udp and dst port ${mediaPort}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    tcpdump.once('error', (error) => reject(new Error(`tcpdump: ${error.message} (apt-get install -y tcpdump)`)));
    tcpdump.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('listening on') && resolve());
  });

  const sipp: ChildProcess = spawn(
    'sipp',
    [
      `127.0.0.1:${options.sipPort}`,
      '-sf',
      'scenario.xml',
      '-s',
      options.number,
      '-m',
      '1',
      '-i',
      '127.0.0.1',
      '-p',
      String(signallingPort),
      '-mp',
      String(mediaPort),
      '-nostdin',
      '-timeout',
      '200s',
    ],
    { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  sipp.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  sipp.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const finished = new Promise<{ code: number | null; output: string }>((resolve) =>
    sipp.once('exit', (code) => resolve({ code, output })),
  );

  return {
    finished,
    receivedSince: async (sinceMs, hz) => {
      const packets = rtpPayloadsSince(await readFile(capture), mediaPort, sinceMs);
      const payloads = packets.map((packet) => packet.payload);
      const bySsrc = new Map<number, { ssrc: number; payload: Uint8Array }[]>();
      for (const packet of packets) bySsrc.set(packet.ssrc, [...(bySsrc.get(packet.ssrc) ?? []), packet]);
      return {
        packets: payloads.length,
        streams: [...bySsrc].map(([ssrc, stream]) => ({
          ssrc: ssrc.toString(16),
          packets: stream.length,
          amplitude: toneAmplitude(decodeMuLaw(stream.map((packet) => packet.payload)), hz),
          rms: muLawRms(stream.map((packet) => packet.payload)),
          peakHz: strongestFrequency(decodeMuLaw(stream.map((packet) => packet.payload))),
        })),
        amplitude: payloads.length > 0 ? toneAmplitude(decodeMuLaw(payloads), hz) : 0,
        rms: muLawRms(payloads),
      };
    },
    stop: async () => {
      if (sipp.exitCode === null) sipp.kill('SIGKILL');
      tcpdump.kill('SIGINT');
      await new Promise((resolve) => (tcpdump.exitCode === null ? tcpdump.once('exit', resolve) : resolve(null)));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The strongest frequency of 8 kHz audio between 200 and 2,000 Hz, in 10 Hz steps (what tone it is). */
function strongestFrequency(pcm: Int16Array): number {
  let best = 0;
  let bestAmplitude = 0;
  for (let hz = 200; hz <= 2_000; hz += 10) {
    const amplitude = toneAmplitude(pcm, hz);
    if (amplitude > bestAmplitude) [best, bestAmplitude] = [hz, amplitude];
  }
  return best;
}

/** PCMU (payload type 0) RTP payloads to `port` captured at or after `sinceMs`, from a pcap tcpdump is writing. */
function rtpPayloadsSince(file: Buffer, port: number, sinceMs: number): { ssrc: number; payload: Uint8Array }[] {
  const payloads: { ssrc: number; payload: Uint8Array }[] = [];
  for (let offset = 24; offset + 16 <= file.length;) {
    const seconds = file.readUInt32LE(offset);
    const micros = file.readUInt32LE(offset + 4);
    const length = file.readUInt32LE(offset + 8);
    const frame = file.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    if (frame.length < length || seconds * 1_000 + micros / 1_000 < sinceMs) continue;
    const ip = 14;
    if (frame.readUInt16BE(12) !== 0x0800 || frame[ip + 9] !== 17) continue;
    const udp = ip + (frame[ip]! & 0x0f) * 4;
    if (frame.readUInt16BE(udp + 2) !== port) continue;
    const rtp = frame.subarray(udp + 8);
    if (rtp.length > 12 && (rtp[1]! & 0x7f) === 0)
      payloads.push({ ssrc: rtp.readUInt32BE(8), payload: rtp.subarray(12) });
  }
  return payloads;
}

/** `count` consecutive free UDP ports on loopback, the first even, somewhere in [from, from + span). */
async function freeUdpPorts(from: number, span: number, count: number): Promise<number> {
  for (;;) {
    const first = from + 2 * Math.floor((Math.random() * (span - count)) / 2);
    const sockets = Array.from({ length: count }, () => createSocket('udp4'));
    const free = await Promise.all(
      sockets.map(
        (socket, index) =>
          new Promise<boolean>((resolve) => {
            socket.once('error', () => resolve(false));
            socket.bind(first + index, '127.0.0.1', () => resolve(true));
          }),
      ),
    );
    sockets.forEach((socket) => socket.close());
    if (free.every(Boolean)) return first;
  }
}
