// A routing queue in the admin REST JSON: the proto's fields camel-cased, enums as lower-case words ("voice",
// "longest_idle"), absent sub-objects left out. The PUT body is the same shape without the output-only fields, plus
// `expectedRevision` for optimistic concurrency. It replaces the whole queue, so every setting has a place here.
import { Queue, RoutingStrategy } from '@parley/protos/parley/common/v1/queue';
import { channel, channelSchema } from './channel-json.js';
import { jsonEnum } from './json-enum.js';
import {
  businessHoursFromJson,
  businessHoursSchema,
  businessHoursToJson,
  overflowRuleFromJson,
  overflowRuleSchema,
  overflowRuleToJson,
  type BusinessHoursJson,
  type OverflowRuleJson,
} from './queue-rules-json.js';
import { idListSchema, idSchema, nameSchema, timestampSchema } from './schema-parts.js';

// The proto treats an unset strategy as longest idle; the JSON says so.
const strategy = jsonEnum<RoutingStrategy>(RoutingStrategy, 'ROUTING_STRATEGY_', { zero: 'longest_idle' });

interface QueueSettings {
  displayName: string;
  channels: string[];
  siteIds?: string[];
  teamIds?: string[];
  skillsExpression?: string;
  priority?: number;
  serviceLevel?: { percent: number; thresholdMs: number };
  strategy?: string;
  stickyWindowMs?: number;
  steps?: {
    afterWaitMs: number;
    skillLevelRelaxation?: number;
    skillsExpression?: string;
    addTeamIds?: string[];
    addSiteIds?: string[];
    allSites?: boolean;
  }[];
  maxWaitMs?: number;
  maxWaitAction?: OverflowRuleJson;
  businessHours?: BusinessHoursJson;
  wrapUp?: { timeoutMs?: number; codeRequired?: boolean; wrapUpCodeIds?: string[]; autoAvailable?: boolean };
  offerTimeouts?: { channel: string; timeoutMs: number }[];
  announcements?: {
    greetingPrompt?: string;
    musicOnHold?: string;
    announcePosition?: boolean;
    announceEstimatedWait?: boolean;
    intervalMs?: number;
    periodicPrompt?: string;
    offerCallback?: boolean;
  };
  decisionHookSubject?: string;
  decisionHookTimeoutMs?: number;
}

export interface QueueBody extends QueueSettings {
  expectedRevision?: number;
}

export interface QueueJson extends QueueSettings {
  id: string;
  revision: number;
  createdAt?: string;
  updatedAt?: string;
}

const duration = (description: string) => ({ type: 'integer', minimum: 0, description }) as const;
const prompt = { type: 'string', maxLength: 200 } as const;
const skillsExpression = { type: 'string', maxLength: 2_000 } as const;

const settingsProperties = {
  displayName: nameSchema,
  channels: { type: 'array', items: channelSchema, minItems: 1, maxItems: 4, description: 'Channels served.' },
  siteIds: { ...idListSchema, description: 'Sites whose agents serve it; the first one owns the queue.' },
  teamIds: { ...idListSchema, description: 'Teams serving it; none: any team of its sites.' },
  skillsExpression: { ...skillsExpression, description: 'E.g. `skill.billing >= 5 && lang == "pl"`; empty: anyone.' },
  priority: { type: 'integer', minimum: 0, maximum: 100, description: 'Breaks ties between queues (0–100).' },
  serviceLevel: {
    type: 'object',
    description: 'Percent of interactions to answer within thresholdMs.',
    properties: { percent: { type: 'number', minimum: 0, maximum: 100 }, thresholdMs: duration('Threshold.') },
    required: ['percent', 'thresholdMs'],
    additionalProperties: false,
  },
  strategy: { type: 'string', enum: strategy.names, description: 'How an agent is chosen (default longest_idle).' },
  stickyWindowMs: duration('For sticky: how long the last agent is preferred.'),
  steps: {
    type: 'array',
    maxItems: 20,
    description: 'Bullseye steps widening the pool as the wait grows, ascending by afterWaitMs.',
    items: {
      type: 'object',
      properties: {
        afterWaitMs: { type: 'integer', minimum: 1 },
        skillLevelRelaxation: { type: 'integer', minimum: 0, maximum: 10 },
        skillsExpression,
        addTeamIds: idListSchema,
        addSiteIds: idListSchema,
        allSites: { type: 'boolean' },
      },
      required: ['afterWaitMs'],
      additionalProperties: false,
    },
  },
  maxWaitMs: duration('Longest wait before maxWaitAction; 0: no limit.'),
  maxWaitAction: overflowRuleSchema,
  businessHours: businessHoursSchema,
  wrapUp: {
    type: 'object',
    properties: {
      timeoutMs: duration('Longest wrap-up; 0: none.'),
      codeRequired: { type: 'boolean' },
      wrapUpCodeIds: { ...idListSchema, description: 'Codes allowed here; none: every active code.' },
      autoAvailable: { type: 'boolean', description: 'Available after wrap-up (else not ready, after_call_work).' },
    },
    additionalProperties: false,
  },
  offerTimeouts: {
    type: 'array',
    maxItems: 4,
    description: 'Time to accept an offer per channel; a channel left out uses the default.',
    items: {
      type: 'object',
      properties: { channel: channelSchema, timeoutMs: { type: 'integer', minimum: 1 } },
      required: ['channel', 'timeoutMs'],
      additionalProperties: false,
    },
  },
  announcements: {
    type: 'object',
    description: 'What a waiting caller hears.',
    properties: {
      greetingPrompt: prompt,
      musicOnHold: prompt,
      announcePosition: { type: 'boolean' },
      announceEstimatedWait: { type: 'boolean' },
      intervalMs: duration('Between periodic announcements; 0: none.'),
      periodicPrompt: prompt,
      offerCallback: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  decisionHookSubject: { type: 'string', maxLength: 256, description: 'NATS subject of a decision hook.' },
  decisionHookTimeoutMs: { type: 'integer', minimum: 0, maximum: 5_000, description: '10–5,000 ms; 0: 200 ms.' },
} as const;

export const queueBodySchema = {
  type: 'object',
  properties: {
    ...settingsProperties,
    expectedRevision: {
      type: 'integer',
      minimum: 1,
      description: 'Store only if the stored revision is this one (409 otherwise).',
    },
  },
  required: ['displayName', 'channels'],
  additionalProperties: false,
} as const;

export const queueSchema = {
  type: 'object',
  properties: {
    id: idSchema,
    ...settingsProperties,
    revision: { type: 'integer', description: 'Incremented on every change.' },
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  },
  required: ['id', 'displayName', 'channels', 'revision'],
} as const;

export function queueToJson(queue: Queue): QueueJson {
  return {
    id: queue.id,
    displayName: queue.displayName,
    channels: queue.channels.map(channel.toJson),
    siteIds: queue.siteIds,
    teamIds: queue.teamIds,
    skillsExpression: queue.skillsExpression,
    priority: queue.priority,
    ...(queue.serviceLevel ? { serviceLevel: queue.serviceLevel } : {}),
    strategy: strategy.toJson(queue.strategy),
    stickyWindowMs: queue.stickyWindowMs,
    steps: queue.steps,
    maxWaitMs: queue.maxWaitMs,
    ...(queue.maxWaitAction ? { maxWaitAction: overflowRuleToJson(queue.maxWaitAction) } : {}),
    ...(queue.businessHours ? { businessHours: businessHoursToJson(queue.businessHours) } : {}),
    ...(queue.wrapUp ? { wrapUp: queue.wrapUp } : {}),
    offerTimeouts: queue.offerTimeouts.map((timeout) => ({ ...timeout, channel: channel.toJson(timeout.channel) })),
    ...(queue.announcements ? { announcements: queue.announcements } : {}),
    decisionHookSubject: queue.decisionHookSubject,
    decisionHookTimeoutMs: queue.decisionHookTimeoutMs,
    revision: queue.revision,
    ...(queue.createdAt ? { createdAt: queue.createdAt.toISOString() } : {}),
    ...(queue.updatedAt ? { updatedAt: queue.updatedAt.toISOString() } : {}),
  };
}

export function queueFromBody(id: string, body: QueueBody): Queue {
  return Queue.fromPartial({
    id,
    displayName: body.displayName,
    channels: body.channels.map(channel.fromJson),
    siteIds: body.siteIds ?? [],
    teamIds: body.teamIds ?? [],
    skillsExpression: body.skillsExpression ?? '',
    priority: body.priority ?? 0,
    ...(body.serviceLevel ? { serviceLevel: body.serviceLevel } : {}),
    strategy:
      body.strategy === undefined ? RoutingStrategy.ROUTING_STRATEGY_UNSPECIFIED : strategy.fromJson(body.strategy),
    stickyWindowMs: body.stickyWindowMs ?? 0,
    steps: body.steps ?? [],
    maxWaitMs: body.maxWaitMs ?? 0,
    ...(body.maxWaitAction ? { maxWaitAction: overflowRuleFromJson(body.maxWaitAction) } : {}),
    ...(body.businessHours ? { businessHours: businessHoursFromJson(body.businessHours) } : {}),
    ...(body.wrapUp ? { wrapUp: body.wrapUp } : {}),
    offerTimeouts: (body.offerTimeouts ?? []).map((timeout) => ({
      ...timeout,
      channel: channel.fromJson(timeout.channel),
    })),
    ...(body.announcements ? { announcements: body.announcements } : {}),
    decisionHookSubject: body.decisionHookSubject ?? '',
    decisionHookTimeoutMs: body.decisionHookTimeoutMs ?? 0,
  });
}
