// Whether a queue is open at an instant, by the same rules routing applies at enqueue: for services that decide
// before enqueueing (an IVR's businessHours node asks about the queue it would send the caller to).
import type { BusinessHours } from '@parley/protos/parley/common/v1/queue';
import { isOpen } from './domain/business-hours.js';
import { toOpeningSchedule } from './rpc/business-hours-mapper.js';

/** Hours as GetQueue returns them; no hours means always open. */
export function isQueueOpenAt(hours: BusinessHours | undefined, at: Date): boolean {
  const schedule = toOpeningSchedule(hours);
  return schedule === undefined || isOpen(schedule, at.getTime());
}
