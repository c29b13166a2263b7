// Chooses the desk by path and role: agents get the agent desktop (also at /history), supervisors and admins the
// supervisor console (/supervisor, loaded on demand so agents never download it).
import { lazy, Suspense } from 'react';
import type { Session } from './auth/session';
import { AgentDesktop } from './agent/agent-desktop';
import { usePath } from './ui/navigation';

const SupervisorConsole = lazy(() => import('./supervisor/supervisor-console'));

export function App({ session }: { session: Session }) {
  const path = usePath();
  const supervises = session.roles.has('supervisor') || session.roles.has('admin');
  const wantsConsole = path.startsWith('/supervisor') || (!session.roles.has('agent') && supervises);
  if (wantsConsole && supervises)
    return (
      <Suspense fallback={<p className="boot">Loading the supervisor console…</p>}>
        <SupervisorConsole session={session} />
      </Suspense>
    );
  if (session.roles.has('agent')) return <AgentDesktop session={session} path={path} />;
  return (
    <main className="fatal" role="alert">
      <h1>No desk for this account</h1>
      <p>{session.username} has neither the agent nor the supervisor role.</p>
      <button type="button" onClick={() => void session.logout()}>
        Sign out
      </button>
    </main>
  );
}
