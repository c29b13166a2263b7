// Rings for offers: a two-tone ring cadence from Web Audio (no audio file to download or cache), a system
// notification when the tab is in the background, and a record of when each offer rang (window.parleyMetrics, read
// by the offer-to-ring benchmark and useful to support).
let context: AudioContext | undefined;
let ringing: { stop: () => void } | undefined;

export interface RingRecord {
  offerId: string;
  /** Epoch ms when the offer was on screen and the ring started. */
  at: number;
}

export function ringMetrics(): RingRecord[] {
  const holder = window as { parleyMetrics?: { rings: RingRecord[] } };
  holder.parleyMetrics ??= { rings: [] };
  return holder.parleyMetrics.rings;
}

export function startRinging(offerId: string, title: string, body: string): void {
  const rings = ringMetrics();
  rings.push({ offerId, at: Date.now() });
  if (rings.length > 1_000) rings.shift();
  if (document.hidden && 'Notification' in window && Notification.permission === 'granted')
    new Notification(title, { body, tag: offerId, requireInteraction: true });
  if (ringing) return;
  try {
    context ??= new AudioContext();
    void context.resume();
    ringing = cadence(context);
  } catch {
    // No audio output: the flashing offer card still rings visibly.
  }
}

export function stopRinging(): void {
  ringing?.stop();
  ringing = undefined;
}

/** 0.4 s on, 0.2 s off, 0.4 s on, 2 s off — repeated until stopped. */
function cadence(audio: AudioContext): { stop: () => void } {
  const gain = audio.createGain();
  gain.gain.value = 0;
  gain.connect(audio.destination);
  const tones = [440, 480].map((frequency) => {
    const oscillator = audio.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    oscillator.start();
    return oscillator;
  });
  const schedule = () => {
    const t = audio.currentTime;
    gain.gain.setValueAtTime(0.12, t);
    gain.gain.setValueAtTime(0, t + 0.4);
    gain.gain.setValueAtTime(0.12, t + 0.6);
    gain.gain.setValueAtTime(0, t + 1.0);
  };
  schedule();
  const timer = setInterval(schedule, 3_000);
  return {
    stop: () => {
      clearInterval(timer);
      tones.forEach((tone) => tone.stop());
      gain.disconnect();
    },
  };
}

export function askNotificationPermission(): void {
  if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
}
