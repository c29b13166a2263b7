// The console's top bar: the site, the connection as it really is (a banner when the figures stop being live),
// who is signed in, the way to the agent desk for those who also take calls, and sign-out.
import { navigate } from '../ui/navigation';
import type { Session } from '../auth/session';
import type { SupervisorModel } from './supervisor-model';

export function ConsoleTopBar({ session, model }: { session: Session; model: SupervisorModel }) {
  const [kind, text] = connectionBadge(model);
  return (
    <>
      <header className="topbar">
        <span className="brand">Parley</span>
        <span className="muted">Supervisor console</span>
        <span>
          Site <strong>{model.site || session.site}</strong>
        </span>
        <span className="spacer" />
        {session.roles.has('agent') && (
          <a
            href="/"
            onClick={(event) => {
              event.preventDefault();
              navigate('/');
            }}
          >
            Agent desk
          </a>
        )}
        <span className={`badge ${kind}`} role="status">
          {text}
        </span>
        <span>{session.name || session.username}</span>
        <button type="button" onClick={() => void session.logout()}>
          Sign out
        </button>
      </header>
      {model.connection !== 'open' && (model.everOpen || model.connection === 'offline') && (
        <div className="banner" role="alert">
          {model.everOpen
            ? `The console lost its connection to Parley${since(model.offlineSince)} and is reconnecting. The figures below are the last ones received (times go on counting from them); actions may fail until it is back.`
            : 'The console cannot reach Parley and keeps trying. No figures yet.'}
        </div>
      )}
    </>
  );
}

function connectionBadge(model: SupervisorModel): [kind: 'ok' | 'warn' | 'bad', text: string] {
  if (model.connection === 'open') return ['ok', 'Live'];
  if (model.connection === 'offline') return ['bad', 'Offline — reconnecting'];
  return ['warn', model.everOpen ? 'Reconnecting…' : 'Connecting…'];
}

function since(at: number | undefined): string {
  return at === undefined ? '' : ` at ${new Date(at).toLocaleTimeString()}`;
}
