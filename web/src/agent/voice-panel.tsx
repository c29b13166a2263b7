// A call in progress: who, how long, the audio both ways (level meters), mute, hold, DTMF pad, transfer, hang-up.
import { useEffect, useState } from 'react';
import { LevelMeter, useLevel } from '../voice/use-level';
import type { VoiceSession } from '../voice/voice-session';
import { formatDuration, useNow } from '../ui/time';
import type { Work } from './agent-model';
import { TransferForm } from './transfer-form';

interface Props {
  work: Work;
  title: string;
  voice: VoiceSession | undefined;
  send: (message: Record<string, unknown>) => void;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function VoicePanel({ work, title, voice, send }: Props) {
  const now = useNow();
  const [muted, setMuted] = useState(false);
  const [showPad, setShowPad] = useState(false);
  const [showTransfer, setShowTransfer] = useState(false);
  const [remote, setRemote] = useState<MediaStream | undefined>(voice?.remoteStream);
  useEffect(() => {
    // The caller's audio arrives a moment after the accept (media's consumer); follow it.
    const timer = setInterval(() => setRemote(voice?.remoteStream), 500);
    return () => clearInterval(timer);
  }, [voice]);
  const micLevel = useLevel(voice?.microphoneStream);
  const callerLevel = useLevel(remote);
  const held = work.phase === 'held';
  const id = work.interactionId;
  return (
    <section className="panel" aria-label={`Call with ${title}`}>
      <h2>
        Call with {title}{' '}
        <span className="timer muted" title="Call time">
          {formatDuration(now - work.startedAt)}
        </span>
      </h2>
      <p className="muted" aria-live="polite">
        {held ? `On hold for ${formatDuration(now - work.phaseSince)}` : remote ? 'Connected' : 'Connecting audio…'}
      </p>
      <div className="row">
        <LevelMeter level={muted ? 0 : micLevel} label="You" />
        <LevelMeter level={callerLevel} label="Caller" />
      </div>
      <div className="row" style={{ marginTop: '0.6rem' }}>
        <button
          type="button"
          aria-pressed={muted}
          onClick={() => {
            voice?.setMuted(!muted);
            setMuted(!muted);
          }}
        >
          {muted ? 'Unmute' : 'Mute'}
        </button>
        <button
          type="button"
          aria-pressed={held}
          onClick={() => send({ type: held ? 'resume' : 'hold', interactionId: id })}
        >
          {held ? 'Resume' : 'Hold'}
        </button>
        <button type="button" aria-expanded={showPad} onClick={() => setShowPad(!showPad)}>
          Keypad
        </button>
        <button type="button" aria-expanded={showTransfer} onClick={() => setShowTransfer(!showTransfer)}>
          Transfer
        </button>
        <button type="button" className="danger" onClick={() => send({ type: 'end', interactionId: id })}>
          Hang up
        </button>
      </div>
      {showPad && (
        <div className="dialpad" role="group" aria-label="Keypad" style={{ marginTop: '0.6rem' }}>
          {KEYS.map((key) => (
            <button key={key} type="button" onClick={() => send({ type: 'dtmf', interactionId: id, digits: key })}>
              {key}
            </button>
          ))}
        </div>
      )}
      {showTransfer && (
        <TransferForm
          onTransfer={(target) => {
            send({ type: 'transfer', interactionId: id, target });
            setShowTransfer(false);
          }}
        />
      )}
    </section>
  );
}
