// When a queue is open: weekly windows and dated exceptions (holidays, short days) in the queue's own time zone.
// Pure: the answer depends only on the instant asked about, so a replayed log decides exactly as the owner did.
import type { OverflowRule } from './model.js';

/** Minutes since local midnight, close exclusive (24:00 = 1440). */
export interface OpeningWindow {
  openMinute: number;
  closeMinute: number;
}

export interface OpeningSchedule {
  /** IANA zone the windows are written in. */
  timeZone: string;
  /** ISO weekday (1 = Monday … 7 = Sunday) → its windows; a weekday absent here is closed all day. */
  weekly: ReadonlyMap<number, readonly OpeningWindow[]>;
  /** Local date "YYYY-MM-DD" → that day's windows instead of the weekly ones (empty: closed all day). */
  specialDays: ReadonlyMap<string, readonly OpeningWindow[]>;
  /** What happens to interactions arriving while closed; none = they wait for the queue to open. */
  whenClosed: OverflowRule | undefined;
}

const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

/** Throws a RangeError for a zone the runtime does not know. */
function localFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    localFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local weekday, date and minute of the day at `at` in `timeZone`. */
export function localTime(timeZone: string, at: number): { weekday: number; date: string; minute: number } {
  const parts: Record<string, string> = {};
  for (const part of localFormat(timeZone).formatToParts(new Date(at))) parts[part.type] = part.value;
  return {
    weekday: weekdays[parts.weekday ?? ''] ?? 0,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export function isOpen(schedule: OpeningSchedule, at: number): boolean {
  const local = localTime(schedule.timeZone, at);
  const windows = schedule.specialDays.get(local.date) ?? schedule.weekly.get(local.weekday) ?? [];
  return windows.some((window) => local.minute >= window.openMinute && local.minute < window.closeMinute);
}

/** "08:00" → 480; "24:00" → 1440; undefined when malformed. */
export function parseClockTime(text: string): number | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return undefined;
  const minute = Number(match[1]) * 60 + Number(match[2]);
  return minute <= 24 * 60 ? minute : undefined;
}
