// Overflow rules (max wait, closed queue) and business hours: routing turns a call into a callback or moves it to
// another queue itself; voicemail and disconnect leave it to the holder of the call. Hours are judged in the
// queue's own time zone, with special days overriding the week.
import { describe, expect, it } from 'vitest';
import type { OpeningSchedule } from '../../src/domain/business-hours.js';
import { isOpen, localTime } from '../../src/domain/business-hours.js';
import type { Channel } from '../../src/domain/model.js';
import { agent, engine, queue, t0 } from '../support/builders.js';

const enqueue = (id: string, channel: Channel = 'voice', queueId = 'q') => ({
  interactionId: id,
  queueId,
  channel,
  priority: 0,
  attributes: {},
});

// Weekdays 08:00–17:00 in Warsaw; closed on 2023-11-15 (a Wednesday) for a holiday, short hours on the 16th.
const warsawOffice = (whenClosed: OpeningSchedule['whenClosed']): OpeningSchedule => ({
  timeZone: 'Europe/Warsaw',
  weekly: new Map([1, 2, 3, 4, 5].map((day) => [day, [{ openMinute: 8 * 60, closeMinute: 17 * 60 }]])),
  specialDays: new Map([
    ['2023-11-15', []],
    ['2023-11-16', [{ openMinute: 8 * 60, closeMinute: 12 * 60 }]],
  ]),
  whenClosed,
});
/** 2023-11-14 is a Tuesday; Warsaw is UTC+1 in November. */
const warsaw = (date: string, time: string) => Date.parse(`${date}T${time}:00+01:00`);

describe('business hours', () => {
  it('are judged in the queue’s time zone, with special days overriding the week', () => {
    const hours = warsawOffice(undefined);
    expect(localTime('Europe/Warsaw', warsaw('2023-11-14', '08:00'))).toEqual({
      weekday: 2,
      date: '2023-11-14',
      minute: 480,
    });
    expect(isOpen(hours, warsaw('2023-11-14', '07:59'))).toBe(false);
    expect(isOpen(hours, warsaw('2023-11-14', '08:00'))).toBe(true);
    expect(isOpen(hours, warsaw('2023-11-14', '16:59'))).toBe(true);
    expect(isOpen(hours, warsaw('2023-11-14', '17:00'))).toBe(false);
    expect(isOpen(hours, warsaw('2023-11-15', '10:00'))).toBe(false); // the holiday
    expect(isOpen(hours, warsaw('2023-11-16', '11:59'))).toBe(true);
    expect(isOpen(hours, warsaw('2023-11-16', '12:00'))).toBe(false); // short day
    expect(isOpen(hours, warsaw('2023-11-18', '10:00'))).toBe(false); // Saturday
    // The same instant is another local day in New York: the zone decides.
    const newYork = { ...hours, timeZone: 'America/New_York', specialDays: new Map() };
    expect(isOpen(newYork, warsaw('2023-11-14', '20:00'))).toBe(true); // 14:00 in New York
  });

  it('send arrivals of a closed queue to voicemail, and take them in while open', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', businessHours: warsawOffice({ action: 'voicemail' }) }), t0);
    e.enqueue(enqueue('night'), warsaw('2023-11-14', '22:00'));
    expect(e.drainEvents()).toContainEqual(
      expect.objectContaining({
        type: 'interaction.overflowed',
        interactionId: 'night',
        reason: 'closed',
        action: 'voicemail',
      }),
    );
    expect(e.interactions.has('night')).toBe(false);
    e.enqueue(enqueue('day'), warsaw('2023-11-14', '09:00'));
    expect(e.drainEvents().map((event) => event.type)).toEqual(['interaction.queued']);
    expect(e.interactions.get('day')?.phase).toBe('waiting');
  });

  it('keep a closed queue’s callers waiting when no closed rule is set', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', businessHours: warsawOffice(undefined) }), t0);
    e.enqueue(enqueue('night'), warsaw('2023-11-14', '22:00'));
    expect(e.interactions.get('night')?.phase).toBe('waiting');
  });

  it('turn a call arriving after hours into a callback served when an agent is there', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', businessHours: warsawOffice({ action: 'callback' }) }), t0);
    e.enqueue(enqueue('night'), warsaw('2023-11-14', '22:00'));
    expect(e.drainEvents().map((event) => event.type)).toEqual([
      'interaction.queued',
      'interaction.overflowed',
      'interaction.callback_requested',
    ]);
    expect(e.interactions.get('night')?.channel).toBe('callback');
    e.upsertAgent(agent({ id: 'a' }), warsaw('2023-11-15', '08:00'));
    e.setPresence('a', 'available', '', warsaw('2023-11-15', '08:00'));
    expect(e.interactions.get('night')?.phase).toBe('offered');
  });
});

describe('max wait', () => {
  it('turns a waiting call into a callback that keeps its place, with no second max wait', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', maxWaitMs: 60_000, maxWaitAction: 'callback' }), t0);
    e.enqueue(enqueue('first'), t0);
    e.enqueue(enqueue('second'), t0 + 1_000);
    e.advance(t0 + 120_000);
    const events = e.drainEvents();
    expect(events.filter((event) => event.type === 'interaction.overflowed')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'interaction.callback_requested')).toHaveLength(2);
    expect(e.waitingInQueue('q').map((i) => [i.id, i.channel])).toEqual([
      ['first', 'callback'],
      ['second', 'callback'],
    ]);
    e.advance(t0 + 3_600_000);
    expect(e.drainEvents()).toEqual([]); // a callback request is not on hold: nothing more fires
  });

  it('leaves a caller who asked for a callback alone: a callback request is not on hold', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', maxWaitMs: 60_000, maxWaitAction: 'voicemail' }), t0);
    e.enqueue(enqueue('v1'), t0);
    e.convertToCallback('v1', t0 + 10_000);
    e.advance(t0 + 120_000);
    expect(e.interactions.get('v1')?.phase).toBe('waiting');
  });

  it('moves a waiting interaction to the target queue, whose own max wait then counts from the move', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'overflow', maxWaitMs: 30_000, maxWaitAction: 'voicemail' }), t0);
    e.upsertQueue(
      queue({ id: 'q', maxWaitMs: 60_000, maxWaitAction: 'transfer', maxWaitTargetQueueId: 'overflow' }),
      t0,
    );
    e.enqueue(enqueue('c1', 'chat'), t0);
    e.advance(t0 + 60_000);
    expect(e.drainEvents()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'interaction.overflowed', reason: 'max_wait', targetQueueId: 'overflow' }),
        expect.objectContaining({ type: 'interaction.transferred', fromQueueId: 'q', toQueueId: 'overflow' }),
      ]),
    );
    expect(e.interactions.get('c1')?.queue.id).toBe('overflow');
    expect(e.interactions.get('c1')?.enqueuedAt).toBe(t0); // still first in line by its original arrival
    e.advance(t0 + 89_999);
    expect(e.interactions.has('c1')).toBe(true);
    e.advance(t0 + 90_000);
    expect(e.interactions.has('c1')).toBe(false);
    expect(e.drainEvents()).toContainEqual(
      expect.objectContaining({ type: 'interaction.overflowed', queueId: 'overflow', action: 'voicemail' }),
    );
  });

  it('lets a chat whose rule is a callback leave routing: only calls become callbacks', () => {
    const e = engine();
    e.upsertQueue(queue({ id: 'q', maxWaitMs: 60_000, maxWaitAction: 'callback' }), t0);
    e.enqueue(enqueue('c1', 'chat'), t0);
    e.advance(t0 + 60_000);
    expect(e.interactions.has('c1')).toBe(false);
  });
});
