// Test audio made on the spot: a sine tone as 16-bit PCM WAV (Chromium's fake microphone) or as G.711 µ-law
// samples (what a SIP phone sends), and the energy of received G.711 audio.
import wavefile from 'wavefile';

function sine(frequency: number, seconds: number, sampleRate: number): Int16Array {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let index = 0; index < samples.length; index += 1) {
    samples[index] = Math.round(12_000 * Math.sin((2 * Math.PI * frequency * index) / sampleRate));
  }
  return samples;
}

export function toneWav(frequency: number, seconds: number, sampleRate = 48_000): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, sampleRate, '16', sine(frequency, seconds, sampleRate));
  return wav.toBuffer();
}

export function toneMuLaw(frequency: number, seconds: number): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 8000, '16', sine(frequency, seconds, 8000));
  wav.toMuLaw();
  return Uint8Array.from((wav.data as { samples: Uint8Array }).samples);
}

/** Root-mean-square of µ-law audio decoded to 16-bit PCM: ~0 for silence, thousands for a tone. */
export function muLawRms(payloads: Uint8Array[]): number {
  const total = payloads.reduce((sum, payload) => sum + payload.length, 0);
  if (total === 0) return 0;
  const wav = new wavefile.WaveFile();
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const payload of payloads) {
    joined.set(payload, offset);
    offset += payload.length;
  }
  wav.fromScratch(1, 8000, '8m', joined);
  wav.fromMuLaw();
  const pcm = (wav.data as { samples: Uint8Array }).samples;
  const view = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
  let squares = 0;
  for (const sample of view) squares += sample * sample;
  return Math.sqrt(squares / view.length);
}

/** µ-law payloads decoded to 16-bit PCM. */
export function decodeMuLaw(payloads: Uint8Array[]): Int16Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 8000, '8m', Buffer.concat(payloads));
  wav.fromMuLaw();
  const pcm = (wav.data as { samples: Uint8Array }).samples;
  return new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
}

/**
 * How strongly a frequency is present in 8 kHz audio (Goertzel), as the amplitude of a sine of that frequency:
 * a tone of amplitude A reads ≈ A; other frequencies and silence read near 0.
 */
export function toneAmplitude(pcm: Int16Array, frequency: number, sampleRate = 8000): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of pcm) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * Math.sqrt(Math.max(0, power))) / pcm.length;
}
