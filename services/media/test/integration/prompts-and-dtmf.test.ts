// Prompts reach the caller as 20 ms G.711 packets carrying the file's samples; RFC 4733 key presses from the caller
// become media.dtmf_received events and interrupt a playback that asked for it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptEndReason } from '@parley/protos/parley/events/v1/media_events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToG711 } from '../../src/audio/prompt-store.js';
import type { RtpEndpoint } from '../../src/legs/rtp-endpoint.js';
import { promptsDir, startMediaFixture, type MediaFixture } from '../support/media-fixture.js';
import { RtpPeer } from '../support/rtp-peer.js';
import { waitFor } from '@parley/kit/testing';

let media: MediaFixture;

beforeAll(async () => {
  media = await startMediaFixture({ workers: 1 });
});
afterAll(() => media.close());

async function callLeg(id: string, peer: RtpPeer, codec: 'PCMU' | 'PCMA' = 'PCMU'): Promise<RtpEndpoint> {
  return media.engine.createRtpEndpoint({
    id,
    callId: `call-${id}`,
    interactionId: `interaction-${id}`,
    codec,
    payloadType: codec === 'PCMU' ? 0 : 8,
    telephoneEventPayloadType: 101,
    remote: { address: '127.0.0.1', port: peer.port },
  });
}

/** Milliseconds per packet: the slope of the line that best fits arrival time against packet number. */
function leastSquaresSlope(times: number[]): number {
  const n = times.length;
  const meanIndex = (n - 1) / 2;
  const meanTime = times.reduce((sum, time) => sum + time, 0) / n;
  let covariance = 0;
  let variance = 0;
  times.forEach((time, index) => {
    covariance += (index - meanIndex) * (time - meanTime);
    variance += (index - meanIndex) ** 2;
  });
  return covariance / variance;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('prompt playback', () => {
  it('sends the prompt as 20 ms packets with the file samples, in order, then reports it finished', async () => {
    const phone = await RtpPeer.open(0x3333);
    try {
      const leg = await callLeg('prompt-leg', phone);
      const file = decodeToG711(await readFile(path.join(promptsDir, 'goodbye.wav')), 'builtin/goodbye');
      const durationMs = await media.engine.playPrompt({
        playbackId: 'playback-1',
        leg: leg.ref,
        prompts: ['builtin/goodbye'],
        loop: false,
        stopOnDtmf: false,
      });
      expect(durationMs).toBe(Math.round(file.PCMU.length / 8));
      const finished = await waitFor(
        () => media.events.find((event) => event.mediaPromptFinished?.playbackId === 'playback-1'),
        { timeoutMs: durationMs + 3_000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(finished.mediaPromptFinished?.reason).toBe(PromptEndReason.PROMPT_END_REASON_COMPLETED);

      const packets = phone.audio(0);
      expect(packets.length).toBe(Math.ceil(file.PCMU.length / 160));
      const received = Buffer.concat(packets.map((packet) => packet.payload)).subarray(0, file.PCMU.length);
      expect(received.equals(Buffer.from(file.PCMU))).toBe(true);
      for (let index = 1; index < packets.length; index += 1) {
        expect((packets[index]!.sequenceNumber - packets[index - 1]!.sequenceNumber) & 0xffff).toBe(1);
        expect((packets[index]!.timestamp - packets[index - 1]!.timestamp) >>> 0).toBe(160);
      }
      // Timing: the stream as a whole runs at real time — the least-squares slope of arrival time over packet
      // number, which one late arrival (the receiving test process is busy too) barely moves — and single packets
      // stay near their 20 ms slot.
      const gaps = packets.slice(1).map((packet, index) => packet.at - packets[index]!.at);
      const slope = leastSquaresSlope(packets.map((packet) => packet.at));
      expect(slope).toBeGreaterThan(19.5);
      expect(slope).toBeLessThan(20.5);
      expect(
        percentile(
          gaps.map((gap) => Math.abs(gap - 20)),
          95,
        ),
      ).toBeLessThan(12);
      expect(finished.mediaPromptFinished?.playedMs).toBe(packets.length * 20);
    } finally {
      await media.engine.closeRtpEndpoint('prompt-leg', 'bye');
      phone.close();
    }
  });

  it('plays A-law to a PCMA leg', async () => {
    const phone = await RtpPeer.open(0x4444);
    try {
      const leg = await callLeg('prompt-pcma', phone, 'PCMA');
      const file = decodeToG711(await readFile(path.join(promptsDir, 'number-1.wav')), 'builtin/number-1');
      await media.engine.playPrompt({
        playbackId: 'playback-pcma',
        leg: leg.ref,
        prompts: ['builtin/number-1'],
        loop: false,
        stopOnDtmf: false,
      });
      await waitFor(() => media.events.find((event) => event.mediaPromptFinished?.playbackId === 'playback-pcma'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const packets = phone.audio(8);
      const received = Buffer.concat(packets.map((packet) => packet.payload)).subarray(0, file.PCMA.length);
      expect(received.equals(Buffer.from(file.PCMA))).toBe(true);
    } finally {
      await media.engine.closeRtpEndpoint('prompt-pcma', 'bye');
      phone.close();
    }
  });

  it('answers NOT_FOUND naming an unknown prompt', async () => {
    const phone = await RtpPeer.open(0x5555);
    try {
      const leg = await callLeg('prompt-missing', phone);
      await expect(
        media.engine.playPrompt({
          playbackId: 'playback-missing',
          leg: leg.ref,
          prompts: ['builtin/no-such-prompt'],
          loop: false,
          stopOnDtmf: false,
        }),
      ).rejects.toMatchObject({ code: 'PARLEY_MEDIA_PROMPT_NOT_FOUND', metadata: { id: 'builtin/no-such-prompt' } });
    } finally {
      await media.engine.closeRtpEndpoint('prompt-missing', 'bye');
      phone.close();
    }
  });
});

describe('DTMF', () => {
  it('decodes RFC 4733 key presses into events and stops a menu prompt on the first digit', async () => {
    const phone = await RtpPeer.open(0x6666);
    try {
      const leg = await callLeg('dtmf-leg', phone);
      await media.engine.playPrompt({
        playbackId: 'menu',
        leg: leg.ref,
        prompts: ['builtin/main-menu'],
        loop: false,
        stopOnDtmf: true,
      });
      const to = { address: leg.localAddress, port: leg.localPort };
      await phone.sendAudio(to, 10, 0);
      await phone.pressKey(to, 5);
      await phone.sendAudio(to, 5, 0);
      await phone.pressKey(to, 11); // "#"
      await phone.pressKey(to, 0);

      const digits = await waitFor(() => {
        const found = media.events.filter(
          (event) => event.type === 'media.dtmf_received' && event.callId === 'call-dtmf-leg',
        );
        return found.length >= 3 ? found : undefined;
      });
      expect(digits.map((event) => event.mediaDtmfReceived?.digit)).toEqual(['5', '#', '0']);
      expect(digits[0]!.mediaDtmfReceived?.durationMs).toBe(80);
      expect(digits[0]!.interactionId).toBe('interaction-dtmf-leg');
      const stopped = media.events.find((event) => event.mediaPromptFinished?.playbackId === 'menu');
      expect(stopped?.mediaPromptFinished?.reason).toBe(PromptEndReason.PROMPT_END_REASON_DTMF);
      expect(stopped?.mediaPromptFinished?.digit).toBe('5');
      expect(stopped?.mediaPromptFinished?.playedMs).toBeLessThan(2_000);
    } finally {
      await media.engine.closeRtpEndpoint('dtmf-leg', 'bye');
      phone.close();
    }
  });
});
