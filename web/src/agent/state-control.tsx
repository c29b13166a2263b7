// The agent's state: Available, or Not ready with a reason, and how long they have been in it.
import { formatDuration, useNow } from '../ui/time';
import type { Catalogue } from './catalogue';

const LABELS: Record<string, string> = {
  AVAILABLE: 'Available',
  NOT_READY: 'Not ready',
  BUSY: 'On a contact',
  RESERVED: 'Offer ringing',
  WRAP_UP: 'Wrap-up',
  OFFLINE: 'Offline',
};

export function stateLabel(state: string): string {
  return LABELS[state] ?? state.toLowerCase().replace(/_/g, ' ');
}

interface Props {
  state: string;
  reason: string;
  since: number;
  reasons: Catalogue['notReadyReasons'];
  disabled: boolean;
  onChange: (state: 'AVAILABLE' | 'NOT_READY', reasonId?: string) => void;
}

export function StateControl({ state, reason, since, reasons, disabled, onChange }: Props) {
  const now = useNow();
  const reasonName = reasons.find((each) => each.code === reason)?.name ?? reason.replace(/_/g, ' ');
  return (
    <div className="row" role="group" aria-label="Your state">
      <span className={`badge state-${state}`} aria-live="polite">
        {stateLabel(state)}
        {state === 'NOT_READY' && reasonName ? ` — ${reasonName}` : ''}
      </span>
      <span className="timer muted" title="Time in this state">
        {formatDuration(now - since)}
      </span>
      <button
        type="button"
        className={state === 'AVAILABLE' ? '' : 'primary'}
        disabled={disabled || state === 'AVAILABLE'}
        onClick={() => onChange('AVAILABLE')}
      >
        Go available
      </button>
      <label>
        <span className="sr-only">Not ready reason</span>
        <select
          aria-label="Go not ready"
          disabled={disabled}
          value=""
          onChange={(event) => event.target.value && onChange('NOT_READY', event.target.value)}
        >
          <option value="">Not ready…</option>
          {reasons.map((each) => (
            <option key={each.code} value={each.code}>
              {each.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
