// The desk's top bar: who is signed in, the connection and microphone as they really are, navigation, sign-out;
// a banner when the desk is offline or the microphone is blocked, saying what to do.
import type { ReactNode } from 'react';
import { navigate } from '../ui/navigation';
import type { Session } from '../auth/session';
import type { AgentDesk } from './use-agent-desk';

const CONNECTION = {
  open: ['ok', 'Connected'],
  connecting: ['warn', 'Connecting…'],
  offline: ['bad', 'Offline — reconnecting'],
} as const;

const MICROPHONE = {
  on: ['ok', 'Microphone on'],
  asking: ['warn', 'Asking for the microphone…'],
  off: ['warn', 'Microphone off'],
  blocked: ['bad', 'Microphone blocked'],
  failed: ['bad', 'Microphone failed'],
} as const;

export function TopBar({
  session,
  desk,
  path,
  children,
}: {
  session: Session;
  desk: AgentDesk;
  path: string;
  children: ReactNode;
}) {
  const [connectionKind, connectionText] = CONNECTION[desk.model.connection];
  const [micKind, micText] = MICROPHONE[desk.microphone];
  const link = (to: string, label: string) => (
    <a
      href={to}
      aria-current={path === to ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );
  return (
    <>
      <header className="topbar">
        <span className="brand">Parley</span>
        <nav className="row" aria-label="Desk">
          {link('/', 'Desk')}
          {link('/history', 'My history')}
          {(session.roles.has('supervisor') || session.roles.has('admin')) && link('/supervisor', 'Supervisor')}
        </nav>
        {children}
        <span className="spacer" />
        <span className={`badge ${connectionKind}`} role="status">
          {connectionText}
        </span>
        <button type="button" className={`badge ${micKind}`} onClick={() => void desk.startMicrophone()}>
          {micText}
        </button>
        <span>{session.name}</span>
        <button type="button" onClick={() => void session.logout()}>
          Sign out
        </button>
      </header>
      {desk.model.connection === 'offline' && (
        <div className="banner" role="alert">
          The desk lost its connection to Parley and is reconnecting. Offers cannot reach you until it is back.
        </div>
      )}
      {(desk.microphone === 'blocked' || desk.microphone === 'failed') && (
        <div className="banner" role="alert">
          {desk.microphone === 'blocked'
            ? 'The browser blocks the microphone: allow it for this site (the icon in the address bar), then press "Microphone blocked".'
            : `The microphone could not start (${desk.microphoneError}). Check the headset and press "Microphone failed" to retry.`}
        </div>
      )}
    </>
  );
}
