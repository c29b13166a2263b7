// The contract's BusinessHours → the engine's OpeningSchedule (validated first: validate-business-hours.ts).
import {
  DayOfWeek,
  OverflowAction,
  type BusinessHours,
  type OpeningHours,
} from '@parley/protos/parley/common/v1/queue';
import { parseClockTime, type OpeningSchedule, type OpeningWindow } from '../domain/business-hours.js';
import type { OverflowRule } from '../domain/model.js';
import { toOverflowRule } from './overflow-rule-mapper.js';

const allDay: readonly OpeningWindow[] = [{ openMinute: 0, closeMinute: 24 * 60 }];

function windows(hours: readonly OpeningHours[]): OpeningWindow[] {
  return hours.map((h) => ({ openMinute: parseClockTime(h.open) ?? 0, closeMinute: parseClockTime(h.close) ?? 0 }));
}

/**
 * Undefined (always open) without weekly hours or special days. Special days alone close (or shorten) those dates
 * and leave every other day open all day.
 */
export function toOpeningSchedule(hours: BusinessHours | undefined): OpeningSchedule | undefined {
  if (!hours || (hours.weekly.length === 0 && hours.specialDays.length === 0)) return undefined;
  const weekly = new Map<number, OpeningWindow[]>();
  for (let day = DayOfWeek.DAY_OF_WEEK_MONDAY; day <= DayOfWeek.DAY_OF_WEEK_SUNDAY; day++) {
    const those = hours.weekly.filter((h) => h.day === day);
    if (hours.weekly.length === 0) weekly.set(day, [...allDay]);
    else if (those.length > 0) weekly.set(day, windows(those));
  }
  const whenClosed: OverflowRule | undefined =
    hours.whenClosed && hours.whenClosed.action !== OverflowAction.OVERFLOW_ACTION_UNSPECIFIED
      ? toOverflowRule(hours.whenClosed)
      : undefined;
  return {
    timeZone: hours.timeZone,
    weekly,
    specialDays: new Map(hours.specialDays.map((special) => [special.date, windows(special.hours)])),
    whenClosed,
  };
}
