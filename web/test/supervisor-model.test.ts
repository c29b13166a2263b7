// The supervisor console's reducer and wallboard figures: what the screen shows for each message of the supervisor
// socket, and how thresholds colour a queue tile.
import { describe, expect, it } from 'vitest';
import { actionLines } from '../src/supervisor/action-lines';
import { actionWords, auditReadSince, MAX_AUDIT_ENTRIES } from '../src/supervisor/audit-entries';
import {
  agentsInOrder,
  initialModel,
  supervisionOrphaned,
  supervisorReducer,
  type QueueTile,
  type SupervisorEvent,
  type SupervisorModel,
} from '../src/supervisor/supervisor-model';
import {
  BAD_LONGEST_WAIT_MS,
  countByState,
  longestWaitNow,
  reasonName,
  tileLevel,
  timeInState,
  WARN_LONGEST_WAIT_MS,
} from '../src/supervisor/wallboard-figures';

const T0 = Date.parse('2025-03-04T10:00:00.000Z');

function run(events: SupervisorEvent[], start = initialModel()): SupervisorModel {
  return events.reduce(supervisorReducer, start);
}

const server = (message: Record<string, unknown>, at = T0): SupervisorEvent => ({ type: 'server', message, at });

function queue(overrides: Record<string, unknown> = {}) {
  return {
    queueId: 'support',
    name: 'Support',
    waiting: 0,
    longestWaitMs: 0,
    serviceLevelPercent: 0,
    averageSpeedOfAnswerMs: 0,
    abandonRatePercent: 0,
    entered: 0,
    answered: 0,
    abandoned: 0,
    ...overrides,
  };
}

const anna = {
  agentId: 'anna',
  name: 'Anna Nowak',
  state: 'BUSY',
  reason: '',
  since: '2025-03-04T09:59:00.000Z',
  interactionIds: ['01CALL'],
};
const bob = { agentId: 'bob', name: 'Bob Kim', state: 'AVAILABLE', reason: '', since: null, interactionIds: [] };

function snapshot(overrides: Record<string, unknown> = {}, at = T0): SupervisorEvent {
  return server(
    {
      type: 'snapshot',
      site: 'waw',
      queues: [queue()],
      agents: [anna, bob],
      takenAt: new Date(at).toISOString(),
      ...overrides,
    },
    at,
  );
}

function tile(overrides: Partial<QueueTile> = {}): QueueTile {
  return { ...queue(), measuredAt: T0, ...overrides } as QueueTile;
}

describe('supervisor model', () => {
  it('takes the site, queues by id and agents by id from the snapshot, since as epoch ms', () => {
    const model = run([server({ type: 'ready', username: 'sam', site: 'waw' }), snapshot()]);
    expect(model.username).toBe('sam');
    expect(model.site).toBe('waw');
    expect(model.snapshotAt).toBe(T0);
    expect(model.queues['support']).toMatchObject({ name: 'Support', waiting: 0, measuredAt: T0 });
    expect(model.agents['anna']).toMatchObject({ name: 'Anna Nowak', state: 'BUSY', since: T0 - 60_000 });
    expect(model.agents['anna']?.interactionIds).toEqual(['01CALL']);
    expect(model.agents['bob']?.since).toBeUndefined();
    expect(agentsInOrder(model).map((agent) => agent.agentId)).toEqual(['anna', 'bob']);
  });

  it('shifts server times onto the browser clock by the offset seen at the snapshot', () => {
    // The server's clock is 5 s behind this browser's.
    const model = run([snapshot({ takenAt: new Date(T0 - 5_000).toISOString() })]);
    expect(model.clockOffsetMs).toBe(5_000);
    expect(model.agents['anna']?.since).toBe(T0 - 60_000 + 5_000);
    const next = run(
      [server({ type: 'agent_state', agentId: 'bob', state: 'BUSY', reason: '', at: new Date(T0).toISOString() })],
      model,
    );
    expect(next.agents['bob']?.since).toBe(T0 + 5_000);
  });

  it('applies a live agent state change, and ignores a repeated or an older one', () => {
    const model = run([
      snapshot(),
      server({ type: 'agent_state', agentId: 'anna', state: 'WRAP_UP', reason: '', at: '2025-03-04T10:00:10.000Z' }),
    ]);
    expect(model.agents['anna']).toMatchObject({ state: 'WRAP_UP', since: T0 + 10_000 });
    const repeated = run(
      [server({ type: 'agent_state', agentId: 'anna', state: 'WRAP_UP', reason: '', at: '2025-03-04T10:00:12.000Z' })],
      model,
    );
    expect(repeated).toBe(model);
    const older = run(
      [server({ type: 'agent_state', agentId: 'anna', state: 'BUSY', reason: '', at: '2025-03-04T10:00:05.000Z' })],
      model,
    );
    expect(older).toBe(model);
  });

  it('adds an agent it first hears of from a live event, named by id', () => {
    const model = run([
      snapshot(),
      server({
        type: 'agent_state',
        agentId: 'cleo',
        state: 'NOT_READY',
        reason: 'break',
        at: new Date(T0).toISOString(),
      }),
    ]);
    expect(model.agents['cleo']).toMatchObject({ name: 'cleo', state: 'NOT_READY', reason: 'break', since: T0 });
  });

  it('keeps a live state newer than a later snapshot read before it', () => {
    const model = run([
      server({ type: 'agent_state', agentId: 'anna', state: 'AVAILABLE', reason: '', at: '2025-03-04T10:00:01.000Z' }),
      snapshot({}, T0 + 2_000),
    ]);
    expect(model.agents['anna']).toMatchObject({ state: 'AVAILABLE', since: T0 + 1_000, interactionIds: ['01CALL'] });
  });

  it('merges pushed queue statistics under the queue name it knows', () => {
    const model = run([
      snapshot(),
      server({ type: 'queue_stats', queue: queue({ name: undefined, waiting: 3 }) }, T0 + 4_000),
    ]);
    expect(model.queues['support']).toMatchObject({ name: 'Support', waiting: 3, measuredAt: T0 + 4_000 });
    expect(model.queueStatsAt).toBe(T0 + 4_000);
  });

  it('replaces the queues with each snapshot (a removed queue leaves the wallboard)', () => {
    const model = run([snapshot(), snapshot({ queues: [queue({ queueId: 'sales', name: 'Sales' })] }, T0 + 5_000)]);
    expect(Object.keys(model.queues)).toEqual(['sales']);
  });

  it('tracks the connection: reconnecting after having been open, offline since when', () => {
    let model = run([{ type: 'connection', status: 'open', at: T0 }]);
    expect(model).toMatchObject({ connection: 'open', everOpen: true, offlineSince: undefined });
    model = run([{ type: 'connection', status: 'offline', at: T0 + 1_000 }], model);
    model = run([{ type: 'connection', status: 'connecting', at: T0 + 2_000 }], model);
    expect(model).toMatchObject({ connection: 'connecting', everOpen: true, offlineSince: T0 + 1_000 });
  });

  it('follows a supervision from request to supervising to stopped', () => {
    const requested = run([
      snapshot(),
      { type: 'supervision_requested', agentId: 'anna', agentName: 'Anna Nowak', mode: 'monitor', at: T0 },
    ]);
    expect(requested.supervision).toMatchObject({ phase: 'starting', mode: 'monitor', supervisionId: undefined });
    const active = run(
      [server({ type: 'supervising', supervisionId: 'S1', interactionId: '01CALL', mode: 'monitor', consumers: [] })],
      requested,
    );
    expect(active.supervision).toMatchObject({ phase: 'active', supervisionId: 'S1', interactionId: '01CALL' });
    const switching = run(
      [{ type: 'supervision_requested', agentId: 'anna', agentName: 'Anna Nowak', mode: 'whisper', at: T0 + 1 }],
      active,
    );
    expect(switching.supervision).toMatchObject({ phase: 'switching', mode: 'monitor', supervisionId: 'S1' });
    const whisper = run(
      [server({ type: 'supervising', supervisionId: 'S1', interactionId: '01CALL', mode: 'whisper', consumers: [] })],
      switching,
    );
    expect(whisper.supervision).toMatchObject({ phase: 'active', mode: 'whisper', since: T0 });
    const stopped = run([server({ type: 'supervision_stopped', supervisionId: 'S1', reason: 'stopped' })], whisper);
    expect(stopped.supervision).toBeUndefined();
    expect(stopped.notices).toEqual([]);
  });

  it('lets go of a supervision the server ended with its call, and says so', () => {
    const active = run([
      snapshot(),
      { type: 'supervision_requested', agentId: 'anna', agentName: 'Anna Nowak', mode: 'monitor', at: T0 },
      server({ type: 'supervising', supervisionId: 'S1', interactionId: '01CALL', mode: 'monitor', consumers: [] }),
    ]);
    const other = run([server({ type: 'supervision_stopped', supervisionId: 'S0', reason: 'call_ended' })], active);
    expect(other.supervision).toMatchObject({ supervisionId: 'S1' });
    const ended = run([server({ type: 'supervision_stopped', supervisionId: 'S1', reason: 'call_ended' })], active);
    expect(ended.supervision).toBeUndefined();
    expect(ended.notices).toEqual([
      expect.objectContaining({ kind: 'info', text: 'The call Anna Nowak was on has ended.' }),
    ]);
  });

  it('drops a supervision that failed to start, keeps the mode of one that failed to switch', () => {
    const starting = run([
      { type: 'supervision_requested', agentId: 'anna', agentName: 'Anna Nowak', mode: 'barge', at: T0 },
    ]);
    expect(run([{ type: 'supervision_failed' }], starting).supervision).toBeUndefined();
    const active = run(
      [server({ type: 'supervising', supervisionId: 'S1', interactionId: '01CALL', mode: 'monitor', consumers: [] })],
      starting,
    );
    const failed = run(
      [
        { type: 'supervision_requested', agentId: 'anna', agentName: 'Anna Nowak', mode: 'whisper', at: T0 },
        { type: 'supervision_failed' },
      ],
      active,
    );
    expect(failed.supervision).toMatchObject({ phase: 'active', mode: 'monitor', supervisionId: 'S1' });
  });

  it('ends the supervision and says so when the connection drops', () => {
    const model = run([
      snapshot(),
      { type: 'supervision_requested', agentId: 'anna', agentName: 'Anna Nowak', mode: 'monitor', at: T0 },
      server({ type: 'supervising', supervisionId: 'S1', interactionId: '01CALL', mode: 'monitor', consumers: [] }),
      { type: 'connection', status: 'offline', at: T0 + 1_000 },
    ]);
    expect(model.supervision).toBeUndefined();
    expect(model.notices.at(-1)).toMatchObject({ kind: 'error', text: expect.stringContaining('Anna Nowak') });
  });

  it('sees a supervised call end when no agent holds its interaction any more', () => {
    const active = run([
      snapshot(),
      { type: 'supervision_requested', agentId: 'anna', agentName: 'Anna Nowak', mode: 'monitor', at: T0 },
      server({ type: 'supervising', supervisionId: 'S1', interactionId: '01CALL', mode: 'monitor', consumers: [] }),
    ]);
    expect(supervisionOrphaned(active)).toBe(false);
    const ended = run(
      [snapshot({ agents: [{ ...anna, state: 'WRAP_UP', interactionIds: [] }, bob] }, T0 + 5_000)],
      active,
    );
    expect(supervisionOrphaned(ended)).toBe(true);
  });

  it('turns an uncorrelated error into a notice, keeping the last five', () => {
    let model = initialModel();
    for (let i = 0; i < 7; i++)
      model = supervisorReducer(model, server({ type: 'error', code: 'bad_message', message: `no ${i}` }, T0 + i));
    expect(model.notices.map((notice) => notice.text)).toEqual(['no 2', 'no 3', 'no 4', 'no 5', 'no 6']);
    const first = model.notices[0]!;
    expect(run([{ type: 'dismiss', id: first.id }], model).notices).toHaveLength(4);
  });

  it('lists the session’s actions newest first with how each ended', () => {
    const model = run([
      { type: 'action_started', id: 1, who: 'sam', what: 'Force available', target: 'Anna Nowak', at: T0 },
      { type: 'action_started', id: 2, who: 'sam', what: 'Monitor', target: 'Bob Kim', at: T0 + 1 },
      { type: 'action_finished', id: 1, ok: true, detail: 'anna' },
      { type: 'action_finished', id: 2, ok: false, detail: 'Bob Kim is not on a call' },
    ]);
    expect(model.actions.map((action) => [action.id, action.outcome, action.detail])).toEqual([
      [2, 'failed', 'Bob Kim is not on a call'],
      [1, 'ok', 'anna'],
    ]);
  });
});

/** A record as GET /api/v1/supervisor/audit answers it. */
function record(id: string, at: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    at: new Date(at).toISOString(),
    action: 'agent.force_state',
    target: 'agent/anna',
    outcome: 'ok',
    site: 'waw',
    actor: { subject: 's', username: 'sam', roles: ['supervisor'], site: 'waw' },
    ...overrides,
  };
}

const read = (records: unknown[], at: number, more: { incremental?: boolean; complete?: boolean } = {}) =>
  ({
    type: 'audit_read',
    records,
    complete: more.complete ?? true,
    incremental: more.incremental ?? false,
    at,
  }) as const;

describe('the action list (the audit log and own commands)', () => {
  it('lists the server’s records newest first on this browser’s clock, merging later reads by id', () => {
    // The browser's clock runs 2 s ahead of the server's.
    const start = run([snapshot({}, T0), snapshot({ takenAt: new Date(T0 - 2_000).toISOString() }, T0)]);
    const first = run(
      [read([record('A2', T0 - 1_000), record('A1', T0 - 5_000, { actor: { visitorId: 'v' } })], T0)],
      start,
    );
    expect(first.audit.map((entry) => [entry.id, entry.at, entry.who])).toEqual([
      ['A2', T0 + 1_000, 'sam'],
      ['A1', T0 - 3_000, 'visitor'],
    ]);
    expect(first.auditReadAt).toBe(T0);
    // The next read asks from a little before the newest record, in the server's time.
    expect(auditReadSince(first.audit, T0, 3_600_000)).toBe(new Date(T0 - 1_000 - 10_000).toISOString());
    expect(auditReadSince([], T0, 3_600_000)).toBe(new Date(T0 - 3_600_000).toISOString());
    const later = run([read([record('A3', T0), record('A2', T0 - 1_000)], T0 + 5_000, { incremental: true })], first);
    expect(later.audit.map((entry) => entry.id)).toEqual(['A3', 'A2', 'A1']);
    // More came than one read lists: the list starts again from it rather than keep a gap.
    const flood = run([read([record('A9', T0 + 1)], T0 + 10_000, { incremental: true, complete: false })], later);
    expect(flood.audit.map((entry) => entry.id)).toEqual(['A9']);
    // Malformed records are left out; the list keeps its size.
    const junk = run([read([{ id: 'X' }, null, record('B1', T0, { outcome: 'maybe' })], T0)], start);
    expect(junk.audit).toEqual([]);
    const many = Array.from({ length: MAX_AUDIT_ENTRIES + 5 }, (_, index) => record(`M${index}`, T0 - index));
    expect(run([read(many, T0)], start).audit).toHaveLength(MAX_AUDIT_ENTRIES);
    expect(run([{ type: 'audit_failed', text: 'offline' }], first)).toMatchObject({ auditError: 'offline' });
  });

  it('shows own commands until the log lists them, and ones that never reached the server after', () => {
    const model = run([
      snapshot(),
      {
        type: 'action_started',
        id: 1,
        who: 'sam',
        what: 'Force not ready',
        target: 'Anna Nowak',
        audit: { action: 'agent.force_state', target: 'agent/anna' },
        at: T0,
      },
      {
        type: 'action_started',
        id: 2,
        who: 'sam',
        what: 'Monitor',
        target: 'Bob Kim',
        audit: { action: 'call.monitor' },
        at: T0 + 1,
      },
      {
        type: 'action_started',
        id: 3,
        who: 'sam',
        what: 'Whisper',
        target: 'Anna Nowak',
        audit: { action: 'call.whisper' },
        at: T0 + 2,
      },
      { type: 'action_finished', id: 1, ok: true, detail: 'anna' },
      { type: 'action_finished', id: 2, ok: false, detail: 'the microphone was refused' },
    ]);
    const listed = run(
      [
        read(
          [
            // Another supervisor's, then this one's force: it stands for the command, which leaves the list.
            record('R2', T0 + 500, { detail: 'NOT_READY' }),
            record('R1', T0 + 400, { actor: { username: 'kim' }, action: 'agent.login', target: 'agent/bob' }),
          ],
          T0 + 1_000,
        ),
      ],
      model,
    );
    expect(listed.actions.map((action) => action.id)).toEqual([3, 2]);
    expect(
      actionLines(listed).map((line) => [line.who, line.what, line.target, line.outcome, line.detail, line.own]),
    ).toEqual([
      ['sam', 'Force state', 'Anna Nowak', 'ok', 'NOT_READY', false],
      ['kim', 'agent login', 'Bob Kim', 'ok', '', false],
      ['sam', 'Whisper', 'Anna Nowak', 'pending', '', true],
      ['sam', 'Monitor', 'Bob Kim', 'failed', 'the microphone was refused', true],
    ]);
    // A pending command is not taken by an older record of the same action.
    const pending = run([read([record('R3', T0 - 60_000, { action: 'call.whisper' })], T0 + 2_000)], listed);
    expect(pending.actions.map((action) => action.id)).toEqual([3, 2]);
    expect(actionWords('call.stop_supervising')).toBe('Stop supervising');
  });
});

describe('wallboard figures', () => {
  it('ticks the longest wait on from when it was measured, only while someone waits', () => {
    expect(longestWaitNow(tile({ waiting: 2, longestWaitMs: 10_000 }), T0 + 5_000)).toBe(15_000);
    expect(longestWaitNow(tile({ waiting: 0, longestWaitMs: 10_000 }), T0 + 5_000)).toBe(0);
  });

  it('colours a tile warn from 20 s of longest wait and bad from 60 s, always with a reason', () => {
    const waiting = tile({ waiting: 1, longestWaitMs: 0 });
    expect(tileLevel(waiting, T0 + WARN_LONGEST_WAIT_MS - 1).level).toBe('ok');
    expect(tileLevel(waiting, T0 + WARN_LONGEST_WAIT_MS)).toMatchObject({ level: 'warn', why: expect.any(String) });
    expect(tileLevel(waiting, T0 + BAD_LONGEST_WAIT_MS).level).toBe('bad');
  });

  it('colours a tile bad below 80 % service level, but not before anything was answered', () => {
    expect(tileLevel(tile({ answered: 7, abandoned: 3, serviceLevelPercent: 70 }), T0).level).toBe('bad');
    expect(tileLevel(tile({ answered: 10, serviceLevelPercent: 80 }), T0).level).toBe('ok');
    expect(tileLevel(tile({ serviceLevelPercent: 0 }), T0)).toMatchObject({ level: 'ok', why: 'nobody waiting' });
  });

  it('counts agents by state, every state shown even at zero', () => {
    const agents = [
      { agentId: 'a', name: 'A', state: 'BUSY', reason: '', since: T0, interactionIds: [] },
      { agentId: 'b', name: 'B', state: 'BUSY', reason: '', since: T0, interactionIds: [] },
      { agentId: 'c', name: 'C', state: 'NOT_READY', reason: 'break', since: undefined, interactionIds: [] },
    ];
    expect(countByState(agents)).toEqual([
      ['AVAILABLE', 0],
      ['RESERVED', 0],
      ['BUSY', 2],
      ['WRAP_UP', 0],
      ['NOT_READY', 1],
      ['OFFLINE', 0],
    ]);
    expect(timeInState(agents[0]!, T0 + 61_000)).toBe(61_000);
    expect(timeInState(agents[2]!, T0)).toBeUndefined();
  });

  it('names reasons from the catalogue, then the platform’s own, else by their code made readable', () => {
    const catalogue = [{ code: 'break', name: 'Break' }];
    expect(reasonName('break', catalogue)).toBe('Break');
    expect(reasonName('forced', catalogue)).toBe('Set by a supervisor');
    expect(reasonName('lunch', catalogue)).toBe('Lunch');
    expect(reasonName('long_call', catalogue)).toBe('Long call');
    expect(reasonName('', catalogue)).toBe('');
  });
});
