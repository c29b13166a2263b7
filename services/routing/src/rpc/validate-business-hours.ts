// Validation of a queue's business hours: a known IANA zone, well-formed "HH:MM" windows that open before they
// close, real dates for special days, and a closed-queue rule routing can carry out.
import {
  DayOfWeek,
  OverflowAction,
  type BusinessHours,
  type OpeningHours,
  type OverflowRule,
} from '@parley/protos/parley/common/v1/queue';
import { isKnownTimeZone, parseClockTime } from '../domain/business-hours.js';
import type { Violations } from './validate.js';

/** An overflow rule (max wait, closed queue): a known action, and another queue to transfer to. */
export function validateOverflowRule(v: Violations, field: string, rule: OverflowRule, queueId: string): void {
  v.knownEnum(`${field}.action`, rule.action, OverflowAction);
  if (rule.action !== OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE) return;
  v.id(`${field}.target_queue_id`, rule.targetQueueId);
  if (rule.targetQueueId && rule.targetQueueId === queueId) v.add(`${field}.target_queue_id`, 'must be another queue');
}

function validateWindows(v: Violations, field: string, hours: readonly OpeningHours[], needsDay: boolean): void {
  hours.forEach((window, i) => {
    const at = `${field}[${i}]`;
    if (needsDay && (window.day < DayOfWeek.DAY_OF_WEEK_MONDAY || window.day > DayOfWeek.DAY_OF_WEEK_SUNDAY))
      v.add(`${at}.day`, 'must be a weekday (DAY_OF_WEEK_MONDAY … DAY_OF_WEEK_SUNDAY)');
    const open = parseClockTime(window.open);
    const close = parseClockTime(window.close);
    if (open === undefined || open >= 24 * 60)
      v.add(`${at}.open`, `must be "HH:MM" from 00:00 to 23:59, got "${window.open}"`);
    if (close === undefined) v.add(`${at}.close`, `must be "HH:MM" from 00:01 to 24:00, got "${window.close}"`);
    else if (open !== undefined && close <= open)
      v.add(`${at}.close`, 'must be after open (windows do not cross midnight)');
  });
}

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export function validateBusinessHours(v: Violations, hours: BusinessHours, queueId: string): void {
  const field = 'queue.business_hours';
  const scheduled = hours.weekly.length > 0 || hours.specialDays.length > 0;
  // Routing needs the zone itself: taking it from a site would change a queue's hours when the site changes.
  if (scheduled && !hours.timeZone) v.add(`${field}.time_zone`, 'is required with weekly hours or special days');
  else if (hours.timeZone && !isKnownTimeZone(hours.timeZone))
    v.add(`${field}.time_zone`, `"${hours.timeZone}" is not an IANA time zone`);
  validateWindows(v, `${field}.weekly`, hours.weekly, true);
  const dates = new Set<string>();
  hours.specialDays.forEach((special, i) => {
    const at = `${field}.special_days[${i}]`;
    if (!isRealDate(special.date)) v.add(`${at}.date`, `must be a date "YYYY-MM-DD", got "${special.date}"`);
    else if (dates.has(special.date)) v.add(`${at}.date`, `${special.date} is listed twice`);
    dates.add(special.date);
    validateWindows(v, `${at}.hours`, special.hours, false);
  });
  if (hours.whenClosed) validateOverflowRule(v, `${field}.when_closed`, hours.whenClosed, queueId);
}
