// Where to transfer a contact: a queue, another agent, or (calls) a telephone number.
import { useState } from 'react';

type Kind = 'queueId' | 'agentId' | 'number';

export function TransferForm({ onTransfer }: { onTransfer: (target: Record<string, string>) => void }) {
  const [kind, setKind] = useState<Kind>('queueId');
  const [value, setValue] = useState('');
  return (
    <form
      className="row"
      style={{ marginTop: '0.6rem' }}
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim()) onTransfer({ [kind]: value.trim() });
      }}
    >
      <label>
        <span className="sr-only">Transfer to</span>
        <select aria-label="Transfer to" value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
          <option value="queueId">Queue</option>
          <option value="agentId">Agent</option>
          <option value="number">Number</option>
        </select>
      </label>
      <input
        aria-label="Transfer target"
        placeholder={kind === 'number' ? '+48 22 …' : kind === 'queueId' ? 'support' : 'agent id'}
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit">Transfer</button>
    </form>
  );
}
