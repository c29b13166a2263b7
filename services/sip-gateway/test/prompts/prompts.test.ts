// The default prompts shipped with the gateway: every file in the manifest exists and is what a call carries —
// WAV, G.711 µ-law (format 7), 8 kHz, mono — with the duration the manifest states; every name is a valid prompt
// name for flow documents.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../prompts/en');
const manifest = JSON.parse(readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as {
  prompts: { name: string; file: string; durationMs: number }[];
};

/** The fmt and data chunks of a RIFF/WAVE file. */
function wavInfo(bytes: Buffer) {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  let offset = 12;
  let format: { code: number; channels: number; rate: number } | undefined;
  let dataBytes = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ')
      format = {
        code: bytes.readUInt16LE(offset + 8),
        channels: bytes.readUInt16LE(offset + 10),
        rate: bytes.readUInt32LE(offset + 12),
      };
    if (id === 'data') dataBytes = size;
    offset += 8 + size + (size % 2);
  }
  return { format, dataBytes };
}

describe('default prompts', () => {
  it('are 8 kHz mono µ-law WAV files of the stated length', () => {
    expect(manifest.prompts.length).toBeGreaterThan(30);
    for (const prompt of manifest.prompts) {
      const { format, dataBytes } = wavInfo(readFileSync(path.join(directory, prompt.file)));
      expect(format, prompt.name).toEqual({ code: 7, channels: 1, rate: 8_000 });
      expect(Math.abs(dataBytes / 8 - prompt.durationMs), prompt.name).toBeLessThanOrEqual(1); // 8 bytes a ms
      expect(prompt.name).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
    }
  });

  it('include what the queue experience and the standard nodes need', () => {
    const names = new Set(manifest.prompts.map((prompt) => prompt.name));
    for (const needed of [
      'welcome',
      'please-hold',
      'hold-music',
      'queue-position',
      'in-queue',
      'estimated-wait',
      'offer-callback',
      'leave-message',
      'tone',
      'goodbye',
      'number-1',
      'number-20',
    ])
      expect(names.has(needed), needed).toBe(true);
  });
});
