// The supervisor console's picture of the site, built only from what the supervisor socket says plus the console's
// own steps (a pure reducer, so a repeated or late push cannot leave the screen in a state the server never had).
// Times are epoch ms of this browser's clock: server times are shifted by the offset measured at each snapshot.
import type { SocketStatus } from '../api/live-socket';
import { auditEntries, mergeAudit, recordedCommands, type AuditEntry, type AuditKey } from './audit-entries';

export interface QueueTile {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitMs: number;
  serviceLevelPercent: number;
  averageSpeedOfAnswerMs: number;
  abandonRatePercent: number;
  entered: number;
  answered: number;
  abandoned: number;
  /** When the figures were measured (received): the longest wait grows from here while someone waits. */
  measuredAt: number;
}

export interface AgentRow {
  agentId: string;
  name: string;
  state: string;
  /** The not-ready reason's code ('' when none). */
  reason: string;
  /** In the current state since (undefined when the server did not say). */
  since: number | undefined;
  interactionIds: string[];
}

export type SupervisionMode = 'monitor' | 'whisper' | 'barge';

export interface Supervision {
  agentId: string;
  agentName: string;
  /** '' until the server has said which of the agent's interactions it joined. */
  interactionId: string;
  supervisionId: string | undefined;
  /** The mode the server confirmed (or the one asked for while starting). */
  mode: SupervisionMode;
  /** starting: audio and the server being asked; switching: a new mode asked for; stopping: stop asked for. */
  phase: 'starting' | 'active' | 'switching' | 'stopping';
  since: number;
}

import type { Notice } from '../ui/notices';

export type { Notice };

/** One of this supervisor's commands in this session, as the console saw it end; listed until the server's audit
 * log lists its record. */
export interface ActionRecord {
  id: number;
  at: number;
  who: string;
  what: string;
  target: string;
  outcome: 'pending' | 'ok' | 'failed';
  detail: string;
  /** The record the server makes of it. */
  audit: AuditKey | undefined;
}

export interface SupervisorModel {
  connection: SocketStatus;
  /** Whether the socket was ever open (so "connecting" again means reconnecting). */
  everOpen: boolean;
  /** When the socket last stopped being open (undefined while open). */
  offlineSince: number | undefined;
  username: string;
  site: string;
  queues: Record<string, QueueTile>;
  agents: Record<string, AgentRow>;
  /** When the last snapshot arrived. */
  snapshotAt: number | undefined;
  /** This browser's clock minus the server's, measured at the last snapshot. */
  clockOffsetMs: number;
  /** When the server last pushed queue statistics by itself (the console polls while it does not). */
  queueStatsAt: number | undefined;
  supervision: Supervision | undefined;
  notices: Notice[];
  actions: ActionRecord[];
  /** The site's audit log, newest first (the last records read). */
  audit: AuditEntry[];
  /** When the audit log was last read (undefined: not yet). */
  auditReadAt: number | undefined;
  /** Why the last read of the audit log failed ('' when it did not). */
  auditError: string;
}

export function initialModel(): SupervisorModel {
  return {
    connection: 'connecting',
    everOpen: false,
    offlineSince: undefined,
    username: '',
    site: '',
    queues: {},
    agents: {},
    snapshotAt: undefined,
    clockOffsetMs: 0,
    queueStatsAt: undefined,
    supervision: undefined,
    notices: [],
    actions: [],
    audit: [],
    auditReadAt: undefined,
    auditError: '',
  };
}

export type SupervisorEvent =
  | { type: 'connection'; status: SocketStatus; at: number }
  | { type: 'server'; message: Record<string, unknown>; at: number }
  | { type: 'notice'; kind: Notice['kind']; text: string; at: number }
  | { type: 'dismiss'; id: number }
  | { type: 'supervision_requested'; agentId: string; agentName: string; mode: SupervisionMode; at: number }
  | { type: 'supervision_stopping' }
  /** The request for a supervision or a mode failed (the action says why): a new one is dropped, a running one
   * keeps its mode. */
  | { type: 'supervision_failed' }
  /** The console let go of the supervision (stopped, the call ended, the audio failed); `text` says why if not asked. */
  | { type: 'supervision_ended'; text: string; at: number }
  | { type: 'action_started'; id: number; who: string; what: string; target: string; audit?: AuditKey; at: number }
  | { type: 'action_finished'; id: number; ok: boolean; detail: string }
  /** The audit log read: `incremental` when only what is newer than the last read was asked for. */
  | { type: 'audit_read'; records: unknown; complete: boolean; incremental: boolean; at: number }
  | { type: 'audit_failed'; text: string };

const MAX_NOTICES = 5;
const MAX_ACTIONS = 100;

export function supervisorReducer(model: SupervisorModel, event: SupervisorEvent): SupervisorModel {
  switch (event.type) {
    case 'connection':
      return connection(model, event.status, event.at);
    case 'server':
      return serverMessage(model, event.message, event.at);
    case 'notice':
      return withNotice(model, event.kind, event.text, event.at);
    case 'dismiss':
      return { ...model, notices: model.notices.filter((notice) => notice.id !== event.id) };
    case 'supervision_requested': {
      const current = model.supervision;
      if (current && current.agentId === event.agentId && current.supervisionId)
        return { ...model, supervision: { ...current, phase: 'switching' } };
      const supervision: Supervision = {
        agentId: event.agentId,
        agentName: event.agentName,
        interactionId: '',
        supervisionId: undefined,
        mode: event.mode,
        phase: 'starting',
        since: event.at,
      };
      return { ...model, supervision };
    }
    case 'supervision_stopping':
      return model.supervision ? { ...model, supervision: { ...model.supervision, phase: 'stopping' } } : model;
    case 'supervision_failed': {
      const current = model.supervision;
      return { ...model, supervision: current?.supervisionId ? { ...current, phase: 'active' } : undefined };
    }
    case 'supervision_ended': {
      const ended = { ...model, supervision: undefined };
      return event.text ? withNotice(ended, 'info', event.text, event.at) : ended;
    }
    case 'action_started': {
      const { type: _type, audit, ...fields } = event;
      const action: ActionRecord = { ...fields, outcome: 'pending', detail: '', audit };
      return { ...model, actions: [action, ...model.actions].slice(0, MAX_ACTIONS) };
    }
    case 'action_finished':
      return {
        ...model,
        actions: model.actions.map((action) =>
          action.id === event.id ? { ...action, outcome: event.ok ? 'ok' : 'failed', detail: event.detail } : action,
        ),
      };
    case 'audit_read': {
      const read = auditEntries(event.records, model.clockOffsetMs);
      const audit = mergeAudit(model.audit, read, !event.incremental || !event.complete);
      const recorded = recordedCommands(model.actions, audit);
      const actions = model.actions.filter((action) => !recorded.has(action));
      return { ...model, audit, actions, auditReadAt: event.at, auditError: '' };
    }
    case 'audit_failed':
      return { ...model, auditError: event.text };
  }
}

function connection(model: SupervisorModel, status: SocketStatus, at: number): SupervisorModel {
  if (status === 'open') return { ...model, connection: status, everOpen: true, offlineSince: undefined };
  const next = { ...model, connection: status, offlineSince: model.offlineSince ?? at };
  // The server ends a socket's supervisions (and its audio peer) with the socket: say so rather than show silence.
  if (status === 'offline' && model.supervision)
    return withNotice(
      { ...next, supervision: undefined },
      'error',
      `The connection dropped: you no longer hear ${model.supervision.agentName}.`,
      at,
    );
  return next;
}

function serverMessage(model: SupervisorModel, message: Record<string, unknown>, at: number): SupervisorModel {
  const text = (key: string) => (typeof message[key] === 'string' ? (message[key] as string) : '');
  switch (message['type']) {
    case 'ready':
      return { ...model, username: text('username'), site: text('site') };
    case 'snapshot':
      return snapshot(model, message, at);
    case 'agent_state':
      return agentState(model, text('agentId'), text('state'), text('reason'), serverTime(model, text('at')) ?? at);
    case 'queue_stats': {
      const queue = queueTile(message['queue'], at);
      if (!queue) return model;
      const name = model.queues[queue.queueId]?.name ?? queue.queueId;
      return { ...model, queues: { ...model.queues, [queue.queueId]: { ...queue, name } }, queueStatsAt: at };
    }
    case 'supervising': {
      const current = model.supervision;
      if (!current || current.phase === 'stopping') return model;
      const mode = text('mode') as SupervisionMode;
      const supervisionId = text('supervisionId');
      return {
        ...model,
        supervision: { ...current, supervisionId, interactionId: text('interactionId'), mode, phase: 'active' },
      };
    }
    case 'supervision_stopped': {
      const current = model.supervision;
      if (!current?.supervisionId || current.supervisionId !== text('supervisionId')) return model;
      const ended = { ...model, supervision: undefined };
      // Media ended it because the call ended; one the console stopped itself says nothing more.
      if (text('reason') !== 'call_ended' || current.phase === 'stopping') return ended;
      return withNotice(ended, 'info', `The call ${current.agentName} was on has ended.`, at);
    }
    case 'error':
      return withNotice(model, 'error', text('message') || text('code') || 'The server refused a request.', at);
    default:
      return model;
  }
}

function snapshot(model: SupervisorModel, message: Record<string, unknown>, at: number): SupervisorModel {
  const takenAt = Date.parse(String(message['takenAt'] ?? ''));
  const clockOffsetMs = Number.isFinite(takenAt) ? at - takenAt : model.clockOffsetMs;
  const shifted = { ...model, clockOffsetMs };
  const queues: Record<string, QueueTile> = {};
  for (const each of asArray(message['queues'])) {
    const queue = queueTile(each, at);
    if (queue) queues[queue.queueId] = queue;
  }
  const agents: Record<string, AgentRow> = {};
  for (const each of asArray(message['agents'])) {
    const view = each as Record<string, unknown>;
    const agentId = String(view['agentId'] ?? '');
    if (!agentId) continue;
    const row: AgentRow = {
      agentId,
      name: String(view['name'] ?? '') || agentId,
      state: String(view['state'] ?? 'OFFLINE'),
      reason: String(view['reason'] ?? ''),
      since: serverTime(shifted, typeof view['since'] === 'string' ? view['since'] : ''),
      interactionIds: asArray(view['interactionIds']).map(String),
    };
    // Live events arrive from before the snapshot is read: one newer than the snapshot's state wins over it.
    const live = model.agents[agentId];
    const newer = live?.since !== undefined && (row.since === undefined || live.since > row.since);
    agents[agentId] = newer ? { ...row, state: live.state, reason: live.reason, since: live.since } : row;
  }
  return { ...shifted, queues, agents, snapshotAt: at, site: String(message['site'] ?? '') || model.site };
}

function agentState(model: SupervisorModel, agentId: string, state: string, reason: string, at: number) {
  if (!agentId || !state) return model;
  const agent = model.agents[agentId] ?? {
    agentId,
    name: agentId,
    state: '',
    reason: '',
    since: undefined,
    interactionIds: [],
  };
  if (agent.since !== undefined && at < agent.since) return model;
  if (agent.state === state && agent.reason === reason) return model;
  return { ...model, agents: { ...model.agents, [agentId]: { ...agent, state, reason, since: at } } };
}

function queueTile(value: unknown, at: number): QueueTile | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const view = value as Record<string, unknown>;
  const queueId = String(view['queueId'] ?? '');
  if (!queueId) return undefined;
  const count = (key: string) => (Number.isFinite(Number(view[key])) ? Number(view[key]) : 0);
  return {
    queueId,
    name: String(view['name'] ?? '') || queueId,
    waiting: count('waiting'),
    longestWaitMs: count('longestWaitMs'),
    serviceLevelPercent: count('serviceLevelPercent'),
    averageSpeedOfAnswerMs: count('averageSpeedOfAnswerMs'),
    abandonRatePercent: count('abandonRatePercent'),
    entered: count('entered'),
    answered: count('answered'),
    abandoned: count('abandoned'),
    measuredAt: at,
  };
}

/** A server timestamp on this browser's clock. */
function serverTime(model: SupervisorModel, iso: string): number | undefined {
  const parsed = Date.parse(iso);
  return Number.isFinite(parsed) ? parsed + model.clockOffsetMs : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function withNotice(model: SupervisorModel, kind: Notice['kind'], text: string, at: number): SupervisorModel {
  const id = Math.max(at, (model.notices.at(-1)?.id ?? 0) + 1);
  return { ...model, notices: [...model.notices.slice(1 - MAX_NOTICES), { id, kind, text }] };
}

/** The supervised call is over: no agent of the last snapshot holds its interaction any more. */
export function supervisionOrphaned(model: SupervisorModel): boolean {
  const supervision = model.supervision;
  if (!supervision || supervision.phase !== 'active' || !supervision.interactionId) return false;
  return !Object.values(model.agents).some((agent) => agent.interactionIds.includes(supervision.interactionId));
}

/** Agents by name (then id), the table's order. */
export function agentsInOrder(model: SupervisorModel): AgentRow[] {
  return Object.values(model.agents).sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
}

export function queuesInOrder(model: SupervisorModel): QueueTile[] {
  return Object.values(model.queues).sort((a, b) => a.name.localeCompare(b.name) || a.queueId.localeCompare(b.queueId));
}
