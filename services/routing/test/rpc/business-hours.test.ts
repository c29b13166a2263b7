// Business hours through the contract: bad hours are INVALID_ARGUMENT naming each field; good ones close the queue
// outside its windows, and the closed rule's target must exist.
import { describe, expect, it } from 'vitest';
import { Status } from '@parley/kit';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { DayOfWeek, OverflowAction, type BusinessHours } from '@parley/protos/parley/common/v1/queue';
import { context, protoInteraction, protoQueue, setup } from './harness.js';

const rule = (action: OverflowAction, targetQueueId = '') => ({ action, targetQueueId, announcementPrompt: '' });

describe('routing rpc › business hours', () => {
  it('names every bad field', async () => {
    const { handlers } = setup();
    const businessHours: BusinessHours = {
      timeZone: 'Mars/Olympus_Mons',
      weekly: [
        { day: DayOfWeek.DAY_OF_WEEK_UNSPECIFIED, open: '08:00', close: '17:00' },
        { day: DayOfWeek.DAY_OF_WEEK_MONDAY, open: '8am', close: '17:00' },
        { day: DayOfWeek.DAY_OF_WEEK_TUESDAY, open: '18:00', close: '09:00' },
      ],
      specialDays: [
        { date: '2026-02-30', name: 'no such day', hours: [] },
        { date: '2026-12-25', name: 'Christmas', hours: [] },
        { date: '2026-12-25', name: 'again', hours: [{ day: 0, open: '10:00', close: '25:00' }] },
      ],
      whenClosed: rule(OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE, 'q'),
    };
    const error = await handlers
      .upsertQueue({ queue: protoQueue({ id: 'q', businessHours }), expectedRevision: 0 }, context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: Status.INVALID_ARGUMENT });
    expect((error as { fieldViolations: { field: string }[] }).fieldViolations.map((v) => v.field)).toEqual([
      'queue.business_hours.time_zone',
      'queue.business_hours.weekly[0].day',
      'queue.business_hours.weekly[1].open',
      'queue.business_hours.weekly[2].close',
      'queue.business_hours.special_days[0].date',
      'queue.business_hours.special_days[2].date',
      'queue.business_hours.special_days[2].hours[0].close',
      'queue.business_hours.when_closed.target_queue_id',
    ]);
  });

  it('requires the time zone with hours, and an existing queue to transfer to when closed', async () => {
    const { handlers } = setup();
    const weekly = [{ day: DayOfWeek.DAY_OF_WEEK_MONDAY, open: '08:00', close: '17:00' }];
    await expect(
      handlers.upsertQueue(
        {
          queue: protoQueue({ id: 'q', businessHours: { timeZone: '', weekly, specialDays: [] } }),
          expectedRevision: 0,
        },
        context,
      ),
    ).rejects.toMatchObject({ fieldViolations: [{ field: 'queue.business_hours.time_zone' }] });
    const whenClosed = rule(OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE, 'night-desk');
    await expect(
      handlers.upsertQueue(
        {
          queue: protoQueue({
            id: 'q',
            businessHours: { timeZone: 'Europe/Warsaw', weekly, specialDays: [], whenClosed },
          }),
          expectedRevision: 0,
        },
        context,
      ),
    ).rejects.toMatchObject({ status: Status.NOT_FOUND });
  });

  it('sends a chat arriving at night to the night desk, which keeps the hours of its own', async () => {
    const { handlers, engine } = setup();
    await handlers.upsertQueue({ queue: protoQueue({ id: 'night-desk' }), expectedRevision: 0 }, context);
    const businessHours: BusinessHours = {
      timeZone: 'Europe/Warsaw',
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '17:00' })),
      specialDays: [],
      whenClosed: rule(OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE, 'night-desk'),
    };
    await handlers.upsertQueue({ queue: protoQueue({ id: 'q', businessHours }), expectedRevision: 0 }, context);
    // The harness clock: 2023-11-14 22:13 UTC, 23:13 in Warsaw, a Tuesday night.
    await handlers.enqueueInteraction(
      { interaction: protoInteraction({ id: 'c1', channel: Channel.CHANNEL_CHAT, queueId: 'q' }) },
      context,
    );
    expect(engine.interactions.get('c1')?.queue.id).toBe('night-desk');
  });
});
