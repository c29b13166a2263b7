// A queue's overflow rules and business hours in the admin REST JSON (the parts of a queue with enums of their own:
// overflow actions "voicemail", "transfer_to_queue", ...; weekdays "monday", ...), their schemas and converters.
import {
  BusinessHours,
  DayOfWeek,
  OverflowAction,
  OverflowRule,
  type OpeningHours,
} from '@parley/protos/parley/common/v1/queue';
import { jsonEnum } from './json-enum.js';
import { idSchema } from './schema-parts.js';

export const overflowAction = jsonEnum<OverflowAction>(OverflowAction, 'OVERFLOW_ACTION_', { zero: 'none' });
export const dayOfWeek = jsonEnum<DayOfWeek>(DayOfWeek, 'DAY_OF_WEEK_');

export interface OverflowRuleJson {
  action: string;
  targetQueueId?: string;
  announcementPrompt?: string;
}

export interface OpeningHoursJson {
  day: string;
  open: string;
  close: string;
}

export interface BusinessHoursJson {
  timeZone?: string;
  weekly?: OpeningHoursJson[];
  specialDays?: { date: string; name?: string; hours?: OpeningHoursJson[] }[];
  whenClosed?: OverflowRuleJson;
}

export const overflowRuleSchema = {
  type: 'object',
  description: 'What happens to the interaction, and where.',
  properties: {
    action: { type: 'string', enum: overflowAction.names },
    targetQueueId: { ...idSchema, description: 'For transfer_to_queue: the destination queue.' },
    announcementPrompt: { type: 'string', maxLength: 200, description: 'Played (voice) or sent (chat) first.' },
  },
  required: ['action'],
  additionalProperties: false,
} as const;

const clock = { type: 'string', pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' } as const;

const openingHoursSchema = {
  type: 'object',
  properties: {
    day: { type: 'string', enum: dayOfWeek.names },
    open: { ...clock, description: 'Local time, e.g. "08:00".' },
    close: { ...clock, description: 'Local time, after open; "24:00" is midnight.' },
  },
  required: ['day', 'open', 'close'],
  additionalProperties: false,
} as const;

export const businessHoursSchema = {
  type: 'object',
  description: 'When the queue is open. No weekly hours and no special days: always open.',
  properties: {
    timeZone: { type: 'string', maxLength: 64, description: 'IANA zone, e.g. "Europe/Warsaw".' },
    weekly: { type: 'array', items: openingHoursSchema, maxItems: 70 },
    specialDays: {
      type: 'array',
      maxItems: 400,
      items: {
        type: 'object',
        properties: {
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Local date, "YYYY-MM-DD".' },
          name: { type: 'string', maxLength: 200 },
          hours: { type: 'array', items: openingHoursSchema, maxItems: 10, description: 'None: closed all day.' },
        },
        required: ['date'],
        additionalProperties: false,
      },
    },
    whenClosed: overflowRuleSchema,
  },
  additionalProperties: false,
} as const;

export function overflowRuleToJson(rule: OverflowRule): OverflowRuleJson {
  return {
    action: overflowAction.toJson(rule.action),
    targetQueueId: rule.targetQueueId,
    announcementPrompt: rule.announcementPrompt,
  };
}

export function overflowRuleFromJson(rule: OverflowRuleJson): OverflowRule {
  return OverflowRule.fromPartial({ ...rule, action: overflowAction.fromJson(rule.action) });
}

const hoursToJson = (hours: OpeningHours): OpeningHoursJson => ({ ...hours, day: dayOfWeek.toJson(hours.day) });
const hoursFromJson = (hours: OpeningHoursJson): OpeningHours => ({ ...hours, day: dayOfWeek.fromJson(hours.day) });

export function businessHoursToJson(hours: BusinessHours): BusinessHoursJson {
  return {
    timeZone: hours.timeZone,
    weekly: hours.weekly.map(hoursToJson),
    specialDays: hours.specialDays.map((day) => ({ ...day, hours: day.hours.map(hoursToJson) })),
    ...(hours.whenClosed ? { whenClosed: overflowRuleToJson(hours.whenClosed) } : {}),
  };
}

export function businessHoursFromJson(hours: BusinessHoursJson): BusinessHours {
  return BusinessHours.fromPartial({
    timeZone: hours.timeZone ?? '',
    weekly: (hours.weekly ?? []).map(hoursFromJson),
    specialDays: (hours.specialDays ?? []).map((day) => ({ ...day, hours: (day.hours ?? []).map(hoursFromJson) })),
    ...(hours.whenClosed ? { whenClosed: overflowRuleFromJson(hours.whenClosed) } : {}),
  });
}
