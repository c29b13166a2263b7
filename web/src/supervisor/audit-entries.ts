// The site's audit log as the console lists it (GET /api/v1/supervisor/audit): the server's records, read again every
// few seconds and merged by id, plus this supervisor's own commands while the server has no record of them yet
// (pending, or failed before reaching it). Pure, so the reducer and its tests use it as is.

export type AuditOutcome = 'ok' | 'failed' | 'denied';

/** One record of the server's audit log. */
export interface AuditEntry {
  id: string;
  /** When, on this browser's clock. */
  at: number;
  /** The server's own time, to ask for what is newer. */
  serverAt: string;
  /** The user name, or "visitor" for a chat visitor. */
  who: string;
  /** `<object>.<verb>`, e.g. "agent.force_state". */
  action: string;
  /** `<object>/<id>`, e.g. "agent/anna". */
  target: string;
  outcome: AuditOutcome;
  detail: string;
}

/** Which audit record one of the console's own commands makes: the action, and the target when known before. */
export interface AuditKey {
  action: string;
  target?: string;
}

/** The records a console keeps (the server's answer's limit). */
export const MAX_AUDIT_ENTRIES = 100;
/** A command's record may carry a time this much before the console started it (clocks, offset measured late). */
const OWN_RECORD_SKEW_MS = 5_000;

export function auditEntries(records: unknown, clockOffsetMs: number): AuditEntry[] {
  if (!Array.isArray(records)) return [];
  return records.flatMap((value: unknown) => {
    if (typeof value !== 'object' || value === null) return [];
    const record = value as Record<string, unknown>;
    const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : '');
    const serverAt = text('at');
    const at = Date.parse(serverAt);
    const outcome = text('outcome');
    if (!text('id') || !Number.isFinite(at) || !['ok', 'failed', 'denied'].includes(outcome)) return [];
    const actor = (typeof record['actor'] === 'object' && record['actor'] !== null ? record['actor'] : {}) as Record<
      string,
      unknown
    >;
    const who = typeof actor['username'] === 'string' ? actor['username'] : 'visitor';
    return [
      {
        id: text('id'),
        at: at + clockOffsetMs,
        serverAt,
        who,
        action: text('action'),
        target: text('target'),
        outcome: outcome as AuditOutcome,
        detail: text('detail'),
      },
    ];
  });
}

/**
 * The list after a read: a read of what is new since the last one is merged into it (by id); a full read, or one
 * that says it is not complete (more came than it lists, so there may be a gap), replaces it. Newest first.
 */
export function mergeAudit(kept: AuditEntry[], read: AuditEntry[], replace: boolean): AuditEntry[] {
  const byId = new Map((replace ? [] : kept).map((entry) => [entry.id, entry]));
  for (const entry of read) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.at - a.at || b.id.localeCompare(a.id)).slice(0, MAX_AUDIT_ENTRIES);
}

/** Where the next read starts: a little before the newest record, as records of other replicas may come late. */
export function auditReadSince(entries: AuditEntry[], now: number, firstWindowMs: number, overlapMs = 10_000): string {
  const newest = entries[0] ? Date.parse(entries[0].serverAt) : NaN;
  return new Date(Number.isFinite(newest) ? newest - overlapMs : now - firstWindowMs).toISOString();
}

/** One of the console's own commands, to be shown until the server's record of it is listed. */
export interface OwnCommand {
  who: string;
  at: number;
  outcome: 'pending' | 'ok' | 'failed';
  audit: AuditKey | undefined;
}

/**
 * The console's own commands the server has recorded: each finished command takes the oldest record not yet taken
 * of its action (and target, when known) by its user from when it started. Pending ones are never taken.
 */
export function recordedCommands<T extends OwnCommand>(commands: T[], entries: AuditEntry[]): Set<T> {
  const taken = new Set<AuditEntry>();
  const recorded = new Set<T>();
  const oldestFirst = [...entries].reverse();
  for (const command of [...commands].sort((a, b) => a.at - b.at)) {
    const key = command.audit;
    if (command.outcome === 'pending' || !key) continue;
    const record = oldestFirst.find(
      (entry) =>
        !taken.has(entry) &&
        entry.who === command.who &&
        entry.action === key.action &&
        (key.target === undefined || entry.target === key.target) &&
        entry.at >= command.at - OWN_RECORD_SKEW_MS,
    );
    if (!record) continue;
    taken.add(record);
    recorded.add(command);
  }
  return recorded;
}

const ACTION_WORDS: Record<string, string> = {
  'agent.force_state': 'Force state',
  'call.monitor': 'Monitor',
  'call.whisper': 'Whisper',
  'call.barge': 'Barge',
  'call.stop_supervising': 'Stop supervising',
};

/** An action in words: the console's own ones by name, any other as the server says it ("agent.login" → "agent login"). */
export function actionWords(action: string): string {
  return ACTION_WORDS[action] ?? action.replace(/[._]/g, ' ');
}
