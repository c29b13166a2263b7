// isQueueOpenAt answers other services (the SIP gateway's businessHours node) from a queue as GetQueue returns it,
// by the rules routing applies itself: the queue's zone, weekly windows, special days.
import { BusinessHours, DayOfWeek } from '@parley/protos/parley/common/v1/queue';
import { describe, expect, it } from 'vitest';
import { isQueueOpenAt } from '../../src/queue-hours.js';

const warsawOffice = BusinessHours.fromPartial({
  timeZone: 'Europe/Warsaw',
  weekly: [{ day: DayOfWeek.DAY_OF_WEEK_MONDAY, open: '08:00', close: '16:00' }],
  specialDays: [{ date: '2026-12-07', name: 'Office party', hours: [{ open: '08:00', close: '12:00' }] }],
});

describe('isQueueOpenAt', () => {
  it('is always open without hours', () => {
    expect(isQueueOpenAt(undefined, new Date('2026-12-06T03:00:00Z'))).toBe(true);
    expect(isQueueOpenAt(BusinessHours.fromPartial({}), new Date('2026-12-06T03:00:00Z'))).toBe(true);
  });

  it('reads the windows in the queue’s own zone, special days first', () => {
    // Monday 30 Nov 2026, 07:30 UTC = 08:30 in Warsaw (CET, UTC+1).
    expect(isQueueOpenAt(warsawOffice, new Date('2026-11-30T07:30:00Z'))).toBe(true);
    expect(isQueueOpenAt(warsawOffice, new Date('2026-11-30T06:30:00Z'))).toBe(false);
    expect(isQueueOpenAt(warsawOffice, new Date('2026-11-30T15:30:00Z'))).toBe(false);
    // Tuesday: no window.
    expect(isQueueOpenAt(warsawOffice, new Date('2026-12-01T09:00:00Z'))).toBe(false);
    // Monday 7 Dec closes at noon.
    expect(isQueueOpenAt(warsawOffice, new Date('2026-12-07T10:30:00Z'))).toBe(true);
    expect(isQueueOpenAt(warsawOffice, new Date('2026-12-07T11:30:00Z'))).toBe(false);
  });
});
