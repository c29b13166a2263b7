// A live audio level (0..1) of a media stream, from a Web Audio analyser, for the call's level meters.
import { useEffect, useState } from 'react';

export function useLevel(stream: MediaStream | undefined, everyMs = 100): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    const source = context.createMediaStreamSource(stream);
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // RMS to a 0..1 scale that moves visibly for speech (-50 dBFS … 0 dBFS).
      const db = 10 * Math.log10(sum / samples.length + 1e-12);
      setLevel(Math.min(1, Math.max(0, (db + 50) / 50)));
    }, everyMs);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void context.close();
    };
  }, [stream, everyMs]);
  return level;
}

export function LevelMeter({ level, label }: { level: number; label: string }) {
  return (
    <span className="row">
      <span className="muted">{label}</span>
      <span
        className="meter"
        role="meter"
        aria-label={`${label} level`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(level * 100)}
      >
        <span style={{ width: `${Math.round(level * 100)}%` }} />
      </span>
    </span>
  );
}
