// Prompts as G.711 sample buffers, loaded once from WAV files and kept in both laws so any leg plays them without
// converting per packet. References look like "builtin/please-hold" (the bundled prompts folder).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import wavefile from 'wavefile';
import { MediaErrorCode, notFound } from '../errors.js';
import type { G711 } from '../workers/router-codecs.js';

export type PromptAudio = Record<G711, Uint8Array>;

/** 8 kHz: one byte per sample, 160 bytes per 20 ms packet. */
export const SAMPLES_PER_MS = 8;

const builtinReference = /^builtin\/([a-z0-9][a-z0-9-]*)$/;

export class PromptStore {
  private readonly loaded = new Map<string, Promise<PromptAudio>>();

  constructor(private readonly builtinDir: string) {}

  /** The audio of a reference; NOT_FOUND names the reference when there is no such prompt. */
  load(reference: string): Promise<PromptAudio> {
    let audio = this.loaded.get(reference);
    if (!audio) {
      audio = this.read(reference);
      this.loaded.set(reference, audio);
      // A missing file may be added later (mounted volume): do not cache the failure.
      audio.catch(() => this.loaded.delete(reference));
    }
    return audio;
  }

  private async read(reference: string): Promise<PromptAudio> {
    const match = builtinReference.exec(reference);
    if (!match) throw notFound(MediaErrorCode.PROMPT_NOT_FOUND, 'prompt', reference);
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(this.builtinDir, `${match[1]}.wav`));
    } catch {
      throw notFound(MediaErrorCode.PROMPT_NOT_FOUND, 'prompt', reference);
    }
    return decodeToG711(bytes, reference);
  }
}

/** Accepts 8 kHz mono WAV in µ-law, A-law or 16-bit PCM and returns it in both laws. */
export function decodeToG711(bytes: Uint8Array, reference: string): PromptAudio {
  const wav = new wavefile.WaveFile(bytes);
  const format = wav.fmt as { audioFormat: number; sampleRate: number; numChannels: number };
  if (format.sampleRate !== 8000 || format.numChannels !== 1) {
    throw new Error(`prompt ${reference} must be 8 kHz mono (is ${format.sampleRate} Hz, ${format.numChannels} ch)`);
  }
  const data = (): Uint8Array => Uint8Array.from((wav.data as { samples: Uint8Array }).samples);
  if (format.audioFormat === 7) {
    const PCMU = data();
    wav.fromMuLaw();
    wav.toALaw();
    return { PCMU, PCMA: data() };
  }
  if (format.audioFormat === 6) {
    const PCMA = data();
    wav.fromALaw();
    wav.toMuLaw();
    return { PCMU: data(), PCMA };
  }
  wav.toBitDepth('16');
  const pcm = new wavefile.WaveFile(wav.toBuffer());
  wav.toMuLaw();
  pcm.toALaw();
  return { PCMU: data(), PCMA: Uint8Array.from((pcm.data as { samples: Uint8Array }).samples) };
}
