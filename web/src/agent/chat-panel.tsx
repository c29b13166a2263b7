// One chat conversation: the transcript with delivery and read marks, the visitor typing, the reply box (typing
// sent to the visitor, Enter sends), the canned-answer library, and ending the chat.
import { useEffect, useRef, useState } from 'react';
import { ulid } from 'ulid';
import type { Work } from './agent-model';
import { searchAnswers } from './canned-answers';

interface Props {
  work: Work;
  /** Who the visitor is (the transcript's name, else the screen pop's). */
  title: string;
  send: (message: Record<string, unknown>) => void;
}

const MARKS = { sent: '✓ sent', delivered: '✓✓ delivered', read: '✓✓ read' } as const;

export function ChatPanel({ work, title, send }: Props) {
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const [showAnswers, setShowAnswers] = useState(false);
  const typing = useRef(false);
  const list = useRef<HTMLOListElement>(null);
  const id = work.interactionId;
  const name = work.visitorName || title || 'Visitor';
  const ended = work.phase === 'wrap_up' || work.transcript.some((line) => line.from === 'system');

  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
    // Tell the visitor their newest message was read: it is on the agent's screen.
    const last = [...work.transcript].reverse().find((line) => line.from === 'visitor');
    if (last && !ended) send({ type: 'chat_read', interactionId: id, messageId: last.id });
  }, [work.transcript, id, send, ended]);

  const setTyping = (on: boolean) => {
    if (typing.current === on || ended) return;
    typing.current = on;
    send({ type: 'chat_typing', interactionId: id, on });
  };
  const submit = () => {
    const text = draft.trim();
    if (!text) return;
    send({ type: 'chat_send', interactionId: id, id: ulid(), text });
    setDraft('');
    setTyping(false);
  };

  return (
    <section className="panel" aria-label={`Chat with ${name}`}>
      <h2>Chat with {name}</h2>
      <ol className="transcript" ref={list} aria-label="Conversation" aria-live="polite">
        {work.transcript.map((line) => (
          <li key={line.id} className={line.from}>
            {line.from !== 'system' && <strong>{line.from === 'agent' ? 'You' : line.senderName || name}: </strong>}
            {line.text}
            {line.status && <span className="muted"> {MARKS[line.status]}</span>}
          </li>
        ))}
      </ol>
      <p className="muted" aria-live="polite" style={{ minHeight: '1.2em', margin: '0 0 0.3rem' }}>
        {work.visitorTyping ? `${name} is typing…` : ''}
      </p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <textarea
          aria-label={`Reply to ${name}`}
          rows={2}
          style={{ flex: 1 }}
          disabled={ended}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
            setTyping(event.target.value !== '');
          }}
          onBlur={() => setTyping(false)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" className="primary" disabled={ended || !draft.trim()}>
          Send
        </button>
      </form>
      <div className="row" style={{ marginTop: '0.5rem' }}>
        <button type="button" aria-expanded={showAnswers} onClick={() => setShowAnswers(!showAnswers)}>
          Canned answers
        </button>
        <button
          type="button"
          className="danger"
          disabled={ended}
          onClick={() => send({ type: 'end', interactionId: id })}
        >
          End chat
        </button>
      </div>
      {showAnswers && (
        <div style={{ marginTop: '0.5rem' }}>
          <input
            type="search"
            aria-label="Search canned answers"
            placeholder="Search answers"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          <ul aria-label="Canned answers">
            {searchAnswers(query).map((answer) => (
              <li key={answer.title}>
                <button
                  type="button"
                  onClick={() => {
                    setDraft(draft ? `${draft} ${answer.text}` : answer.text);
                    setShowAnswers(false);
                  }}
                >
                  {answer.title}
                </button>{' '}
                <span className="muted">{answer.text}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
