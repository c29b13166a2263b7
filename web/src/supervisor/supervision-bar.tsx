// The running supervision: whose call, in which mode and who hears the supervisor, the level of what the tab
// hears (polled from WebRTC stats), and Stop.
import { useEffect, useState } from 'react';
import { formatDuration } from '../ui/time';
import type { SupervisionAudio } from './supervision-audio';
import type { Supervision } from './supervisor-model';

/** How often the level meter reads the WebRTC stats. */
export const LEVEL_POLL_MS = 500;

export function SupervisionBar({
  supervision,
  audio,
  now,
  onStop,
}: {
  supervision: Supervision;
  audio: SupervisionAudio | undefined;
  now: number;
  onStop: () => void;
}) {
  const level = useInboundLevel(audio);
  const name = supervision.agentName;
  const percent = Math.round(Math.min(1, level) * 100);
  const heading =
    supervision.phase === 'starting'
      ? `Connecting to ${name}’s call…`
      : supervision.phase === 'stopping'
        ? `Stopping listening to ${name}…`
        : `Listening to ${name}`;
  return (
    <section className="supervision-bar" aria-label="Supervision">
      <strong role="status">{heading}</strong>
      <span className={`badge ${supervision.mode === 'monitor' ? 'ok' : 'warn'}`}>{modeText(supervision)}</span>
      {supervision.phase === 'switching' && <span className="muted">Switching mode…</span>}
      <span className="muted">
        for <span className="timer">{formatDuration(now - supervision.since)}</span>
      </span>
      <span className="row">
        Level
        <span
          className="meter"
          role="meter"
          aria-label="Call audio level"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <span style={{ width: `${percent}%` }} />
        </span>
      </span>
      <span className="spacer" />
      <button
        type="button"
        className="danger"
        aria-label={`Stop listening to ${name}`}
        disabled={supervision.phase !== 'active'}
        onClick={onStop}
      >
        Stop
      </button>
    </section>
  );
}

function modeText(supervision: Supervision): string {
  const name = supervision.agentName;
  switch (supervision.mode) {
    case 'monitor':
      return 'Monitor — nobody hears you';
    case 'whisper':
      return `Whisper — your microphone is on; ${name} hears you, the customer does not`;
    case 'barge':
      return `Barge — your microphone is on; ${name} and the customer hear you`;
  }
}

/** The loudest inbound audio level (0..1) of the supervision's audio, every LEVEL_POLL_MS. */
function useInboundLevel(audio: SupervisionAudio | undefined): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!audio) return undefined;
    let live = true;
    const timer = setInterval(() => {
      audio.stats().then(
        (stats) => live && setLevel(stats.inboundLevel),
        () => live && setLevel(0),
      );
    }, LEVEL_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [audio]);
  return audio ? level : 0;
}
