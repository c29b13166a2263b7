// The site's agents: counts by state, then one row per agent (state and reason, time in state ticking live,
// interactions held) with the supervisor's actions on it: force a state, log out, monitor / whisper / barge a call.
import { useState } from 'react';
import { formatDuration } from '../ui/time';
import type { AgentRow, Supervision, SupervisionMode } from './supervisor-model';
import { MODE_ACTION } from './use-supervision';
import type { ForcedState, Reason } from './use-supervisor-console';
import { countByState, reasonName, stateWord, timeInState } from './wallboard-figures';

const MODES: SupervisionMode[] = ['monitor', 'whisper', 'barge'];

export function AgentStateCounts({ agents }: { agents: AgentRow[] }) {
  return (
    <section className="panel" aria-labelledby="counts-heading">
      <h2 id="counts-heading">Agents by state</h2>
      <ul className="state-counts">
        {countByState(agents).map(([state, count]) => (
          <li key={state} className={`state-${state}`}>
            <span className="figure">{count}</span> {stateWord(state)}
          </li>
        ))}
      </ul>
    </section>
  );
}

export interface AgentActions {
  online: boolean;
  reasons: Reason[];
  supervision: Supervision | undefined;
  forceState: (agent: AgentRow, state: ForcedState, reasonId?: string) => Promise<void>;
  supervise: (agent: AgentRow, mode: SupervisionMode) => Promise<void>;
}

export function AgentsTable({ agents, now, actions }: { agents: AgentRow[]; now: number; actions: AgentActions }) {
  const [reasonId, setReasonId] = useState('');
  return (
    <section className="panel" aria-labelledby="agents-heading">
      <div className="row">
        <h2 id="agents-heading">Agents</h2>
        <span className="spacer" />
        <label className="row">
          Reason for “Force not ready”
          <select value={reasonId} onChange={(event) => setReasonId(event.target.value)}>
            <option value="">Set by a supervisor</option>
            {actions.reasons.map((reason) => (
              <option key={reason.code} value={reason.code}>
                {reason.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {agents.length === 0 ? (
        <p className="muted">No agents on this site yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="list agents" aria-labelledby="agents-heading">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">State</th>
                <th scope="col">Time in state</th>
                <th scope="col">Interactions</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent) => (
                <AgentRowView key={agent.agentId} agent={agent} now={now} actions={actions} reasonId={reasonId} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AgentRowView({
  agent,
  now,
  actions,
  reasonId,
}: {
  agent: AgentRow;
  now: number;
  actions: AgentActions;
  reasonId: string;
}) {
  const elapsed = timeInState(agent, now);
  const reason = reasonName(agent.reason, actions.reasons);
  const offline = agent.state === 'OFFLINE';
  const supervision = actions.supervision;
  const supervised = supervision?.agentId === agent.agentId;
  const force = (state: ForcedState, label: string, disabled: boolean) => (
    <button
      type="button"
      aria-label={`${label} ${agent.name}`}
      disabled={!actions.online || disabled}
      onClick={() => void actions.forceState(agent, state, state === 'NOT_READY' ? reasonId : undefined)}
    >
      {label}
    </button>
  );
  return (
    <tr aria-label={agent.name} className={supervised ? 'supervised' : undefined}>
      <th scope="row">
        {agent.name}
        {agent.name !== agent.agentId && <div className="muted small">{agent.agentId}</div>}
      </th>
      <td>
        <span className={`state-${agent.state}`}>{stateWord(agent.state)}</span>
        {reason && <span className="muted"> — {reason}</span>}
      </td>
      <td>
        <span className="timer">{elapsed === undefined ? '—' : formatDuration(elapsed)}</span>
      </td>
      <td>{agent.interactionIds.length}</td>
      <td>
        <div className="row agent-actions">
          {force('AVAILABLE', 'Force available', offline || agent.state === 'AVAILABLE')}
          {force(
            'NOT_READY',
            'Force not ready',
            offline || (agent.state === 'NOT_READY' && agent.reason === (reasonId || 'forced')),
          )}
          {force('OFFLINE', 'Log out', offline)}
          {agent.interactionIds.length > 0 && (
            <span className="row supervise" role="group" aria-label={`Supervise ${agent.name}`}>
              {MODES.map((mode) => (
                <button
                  key={mode}
                  type="button"
                  aria-label={`${MODE_ACTION[mode]} ${agent.name}`}
                  aria-pressed={supervised && supervision?.phase !== 'starting' && supervision?.mode === mode}
                  disabled={!actions.online || (supervision !== undefined && supervision.phase !== 'active')}
                  onClick={() => void actions.supervise(agent, mode)}
                >
                  {MODE_ACTION[mode]}
                </button>
              ))}
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}
