// After-contact work: the disposition code, a note for the customer's history, and the time left before routing
// ends the wrap-up by itself.
import { useState } from 'react';
import { formatDuration, useNow } from '../ui/time';
import type { Work } from './agent-model';
import type { Catalogue } from './catalogue';

interface Props {
  work: Work;
  title: string;
  codes: Catalogue['wrapUpCodes'];
  send: (message: Record<string, unknown>) => void;
}

export function WrapUpPanel({ work, title, codes, send }: Props) {
  const now = useNow();
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const id = work.interactionId;
  return (
    <section className="panel" aria-label={`Wrap-up for ${title}`}>
      <h2>Wrap-up — {title}</h2>
      <p className="muted timer">
        {work.wrapUpDeadline
          ? `${formatDuration(work.wrapUpDeadline - now)} left`
          : `${formatDuration(now - work.phaseSince)} in wrap-up`}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (note.trim()) send({ type: 'note', interactionId: id, text: note.trim() });
          send({
            type: 'wrap_up',
            interactionId: id,
            ...(code ? { code } : {}),
            ...(note.trim() ? { comment: note.trim() } : {}),
          });
        }}
      >
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>Outcome</legend>
          <div className="row">
            {codes.map((each) => (
              <label key={each.id} className="row">
                <input
                  type="radio"
                  name={`code-${id}`}
                  value={each.id}
                  checked={code === each.id}
                  onChange={() => setCode(each.id)}
                />
                {each.name}
              </label>
            ))}
          </div>
        </fieldset>
        <label style={{ display: 'block', marginTop: '0.5rem' }}>
          Note
          <textarea
            rows={3}
            style={{ display: 'block', width: '100%' }}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </label>
        <button type="submit" className="primary" style={{ marginTop: '0.5rem' }} disabled={codes.length > 0 && !code}>
          Finish wrap-up
        </button>
      </form>
    </section>
  );
}
