// What was done at the site, newest first, from the server's audit log (when, who, what, on what, how it ended),
// read every few seconds and after each of this supervisor's actions; this supervisor's own commands show as
// pending (or failed before reaching the server) until the log lists them. A list rather than a table, so its
// entries never pass for the agents table's rows.
import type { ActionLine } from './action-lines';

const OUTCOME = {
  pending: ['…', 'Pending'],
  ok: ['✓', 'Done'],
  failed: ['✗', 'Failed'],
  denied: ['✗', 'Denied'],
} as const;

export function ActionsList({
  lines,
  loaded,
  error,
  now,
}: {
  lines: ActionLine[];
  /** Whether the audit log was read at least once. */
  loaded: boolean;
  /** Why the last read of the audit log failed ('' when it did not). */
  error: string;
  now: number;
}) {
  return (
    <section className="panel" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {error && (
        <p className="muted" role="status">
          The site’s audit log cannot be read now ({error}); your own actions are listed meanwhile.
        </p>
      )}
      {lines.length === 0 ? (
        <p className="muted">
          {loaded ? 'Nothing done at this site recently.' : 'Reading what was done at this site…'}
        </p>
      ) : (
        <ol className="action-log" aria-label="Actions at this site, newest first">
          {lines.map((line) => {
            const [icon, word] = OUTCOME[line.outcome];
            return (
              <li key={line.key} className={line.own ? 'own' : undefined}>
                <time dateTime={new Date(line.at).toISOString()}>{when(line.at, now)}</time>
                <span>{line.who}</span>
                <span>
                  {line.what} <strong>{line.target}</strong>
                </span>
                <span className={`outcome-${line.outcome}`}>
                  <span aria-hidden="true">{icon}</span> {word}
                  {line.detail && <span className="muted"> — {line.detail}</span>}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/** The time; with the date when not today. */
function when(at: number, now: number): string {
  const date = new Date(at);
  return date.toDateString() === new Date(now).toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
}
