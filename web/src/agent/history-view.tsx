// The agent's own recent contacts, from the history service.
import { useEffect, useState } from 'react';
import { apiGet } from '../api/rest';
import type { Session } from '../auth/session';

export interface HistoryItem {
  interactionId: string;
  channel: string;
  state: string;
  createdAt: string | null;
  endedAt?: string | null;
  queueId?: string;
  customer: { name: string; phoneNumber: string; email: string };
  wrapUpCodeId: string;
}

export function HistoryView({ session, codeName }: { session: Session; codeName: (id: string) => string }) {
  const [items, setItems] = useState<HistoryItem[] | undefined>(undefined);
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    apiGet<{ items: HistoryItem[] }>(session, '/api/v1/agent/history?limit=50').then(
      (answer) => live && (setItems(answer.items), setError('')),
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      live = false;
    };
  }, [session, reload]);
  return (
    <section className="panel" aria-label="My recent contacts" style={{ margin: '1rem' }}>
      <div className="row">
        <h2 style={{ margin: 0 }}>My recent contacts</h2>
        <span className="spacer" />
        <button type="button" onClick={() => setReload(reload + 1)}>
          Refresh
        </button>
      </div>
      {error && <p role="alert">History is not available right now: {error}</p>}
      {!items && !error && <p className="muted">Loading…</p>}
      {items && items.length === 0 && <p className="muted">No contacts in the last 30 days.</p>}
      {items && items.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Channel</th>
              <th scope="col">Customer</th>
              <th scope="col">Queue</th>
              <th scope="col">Outcome</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.interactionId}>
                <td>{item.createdAt ? new Date(item.createdAt).toLocaleString() : '—'}</td>
                <td>{item.channel.toLowerCase()}</td>
                <td>{item.customer.name || item.customer.phoneNumber || item.customer.email || '—'}</td>
                <td>{item.queueId || '—'}</td>
                <td>{item.wrapUpCodeId ? codeName(item.wrapUpCodeId) : '—'}</td>
                <td>{item.state.toLowerCase().replace(/_/g, ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
