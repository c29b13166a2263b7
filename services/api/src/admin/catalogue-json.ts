// The short lists routing keeps beside queues and agents, in the admin REST JSON: wrap-up codes (dispositions),
// not-ready reasons (platform ones included, marked `system`) and sites. Each item's key is its `id`.
import type { NotReadyReason } from '@parley/protos/parley/common/v1/agent';
import type { WrapUpCode } from '@parley/protos/parley/common/v1/queue';
import type { Site } from '@parley/protos/parley/common/v1/site';
import { nameSchema } from './schema-parts.js';

/** Not-ready reason codes as routing accepts them: lower_snake_case. */
export const REASON_ID_PATTERN = '^[a-z_][a-z0-9_]{0,127}$';

export interface WrapUpCodeBody {
  displayName: string;
  category?: string;
  /** Default true: a code is created to be picked. */
  active?: boolean;
}

export interface NotReadyReasonBody {
  displayName: string;
  productive?: boolean;
}

export const wrapUpCodeBodySchema = {
  type: 'object',
  properties: {
    displayName: nameSchema,
    category: { type: 'string', maxLength: 100, description: 'Grouping for reports, e.g. "sales".' },
    active: { type: 'boolean', description: 'Inactive codes stay in history but cannot be picked (default true).' },
  },
  required: ['displayName'],
  additionalProperties: false,
} as const;

export const wrapUpCodeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    category: { type: 'string' },
    active: { type: 'boolean' },
  },
  required: ['id', 'displayName', 'category', 'active'],
} as const;

export const notReadyReasonBodySchema = {
  type: 'object',
  properties: {
    displayName: nameSchema,
    productive: { type: 'boolean', description: 'Counts as productive time in occupancy reports (default false).' },
  },
  required: ['displayName'],
  additionalProperties: false,
} as const;

export const notReadyReasonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    system: { type: 'boolean', description: 'Set by the platform itself; cannot be changed.' },
    productive: { type: 'boolean' },
  },
  required: ['id', 'displayName', 'system', 'productive'],
} as const;

export const siteSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    timeZone: { type: 'string', description: 'IANA zone, e.g. "Europe/Warsaw".' },
  },
  required: ['id', 'displayName', 'timeZone'],
} as const;

export const wrapUpCodeToJson = (code: WrapUpCode) => ({
  id: code.id,
  displayName: code.displayName,
  category: code.category,
  active: code.active,
});

export const notReadyReasonToJson = (reason: NotReadyReason) => ({
  id: reason.code,
  displayName: reason.displayName,
  system: reason.system,
  productive: reason.productive,
});

export const siteToJson = (site: Site) => ({ id: site.id, displayName: site.displayName, timeZone: site.timeZone });
