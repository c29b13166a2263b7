// What this supervisor did in this session (when, who, what, on whom, how it ended), newest first. The server
// records every such action in its audit log, which it offers no way to read back yet; this is the console's view.
// A list rather than a table, so its entries never pass for the agents table's rows.
import type { ActionRecord } from './supervisor-model';

const OUTCOME = {
  pending: ['…', 'Pending'],
  ok: ['✓', 'Done'],
  failed: ['✗', 'Failed'],
} as const;

export function ActionsList({ actions }: { actions: ActionRecord[] }) {
  return (
    <section className="panel" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {actions.length === 0 ? (
        <p className="muted">Your actions in this session (forced states, supervisions) will be listed here.</p>
      ) : (
        <ol className="action-log" aria-label="Your actions in this session, newest first">
          {actions.map((action) => {
            const [icon, word] = OUTCOME[action.outcome];
            return (
              <li key={action.id}>
                <time dateTime={new Date(action.at).toISOString()}>{new Date(action.at).toLocaleTimeString()}</time>
                <span>{action.who}</span>
                <span>
                  {action.what} <strong>{action.target}</strong>
                </span>
                <span className={`outcome-${action.outcome}`}>
                  <span aria-hidden="true">{icon}</span> {word}
                  {action.detail && <span className="muted"> — {action.detail}</span>}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
