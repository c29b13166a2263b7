// The wallboard's derived figures, pure so they are unit-tested: thresholds that colour a queue tile (always with a
// word, never colour alone), live-ticking waits and times in state, and counts of agents by state.
import type { AgentRow, QueueTile } from './supervisor-model';

/** A queue with callers waiting this long is worth a look. */
export const WARN_LONGEST_WAIT_MS = 20_000;
/** A queue with callers waiting this long needs action now. */
export const BAD_LONGEST_WAIT_MS = 60_000;
/** Below this service level (percent answered within the queue's threshold) a queue needs action. */
export const BAD_SERVICE_LEVEL_PERCENT = 80;

export type TileLevel = 'ok' | 'warn' | 'bad';

export const LEVEL_WORD: Record<TileLevel, { icon: string; word: string }> = {
  ok: { icon: '✓', word: 'OK' },
  warn: { icon: '▲', word: 'Warning' },
  bad: { icon: '■', word: 'Critical' },
};

/** The longest wait now: what was measured, plus the time since (the caller is still waiting, as far as we know). */
export function longestWaitNow(queue: QueueTile, now: number): number {
  if (queue.waiting <= 0) return 0;
  return queue.longestWaitMs + Math.max(0, now - queue.measuredAt);
}

/**
 * Whether the service level means anything yet: with nothing answered or abandoned in the window it reads 0 %, which
 * is no news (and routing's own snapshot has no window figures at all, so reports 0 everywhere).
 */
export function serviceLevelKnown(queue: QueueTile): boolean {
  return queue.answered + queue.abandoned > 0;
}

export function tileLevel(queue: QueueTile, now: number): { level: TileLevel; why: string } {
  const wait = longestWaitNow(queue, now);
  const lowService = serviceLevelKnown(queue) && queue.serviceLevelPercent < BAD_SERVICE_LEVEL_PERCENT;
  if (wait >= BAD_LONGEST_WAIT_MS)
    return { level: 'bad', why: `a caller has waited ${BAD_LONGEST_WAIT_MS / 1000} s or more` };
  if (lowService) return { level: 'bad', why: `service level below ${BAD_SERVICE_LEVEL_PERCENT} %` };
  if (wait >= WARN_LONGEST_WAIT_MS)
    return { level: 'warn', why: `a caller has waited ${WARN_LONGEST_WAIT_MS / 1000} s or more` };
  return { level: 'ok', why: queue.waiting > 0 ? 'waits are short' : 'nobody waiting' };
}

/** Time in the current state, or undefined when the server did not say since when. */
export function timeInState(agent: AgentRow, now: number): number | undefined {
  return agent.since === undefined ? undefined : Math.max(0, now - agent.since);
}

/** The states a wallboard counts, in the order it shows them. */
export const STATE_ORDER = ['AVAILABLE', 'RESERVED', 'BUSY', 'WRAP_UP', 'NOT_READY', 'OFFLINE'] as const;

export const STATE_WORD: Record<string, string> = {
  AVAILABLE: 'Available',
  RESERVED: 'Reserved',
  BUSY: 'Busy',
  WRAP_UP: 'Wrap-up',
  NOT_READY: 'Not ready',
  OFFLINE: 'Offline',
};

export function stateWord(state: string): string {
  return STATE_WORD[state] ?? state.toLowerCase().replace(/_/g, ' ');
}

/** Agents by state, every counted state present (0 when none), unknown states after them. */
export function countByState(agents: Iterable<AgentRow>): [string, number][] {
  const counts = new Map<string, number>(STATE_ORDER.map((state) => [state, 0]));
  for (const agent of agents) counts.set(agent.state, (counts.get(agent.state) ?? 0) + 1);
  return [...counts];
}

/** Reasons the platform sets itself (routing's catalogue); the site's own come from the agent catalogue. */
const PLATFORM_REASONS: Record<string, string> = {
  login: 'Logged in',
  missed: 'Missed offers',
  forced: 'Set by a supervisor',
  session_lost: 'Session lost',
  after_call_work: 'After-call work',
};

/** The reason's name: from the catalogue, else the platform's, else the code made readable ("long_call" → "Long call"). */
export function reasonName(code: string, known: readonly { code: string; name: string }[]): string {
  if (!code) return '';
  const named = known.find((reason) => reason.code === code)?.name ?? PLATFORM_REASONS[code];
  if (named) return named;
  const words = code.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
