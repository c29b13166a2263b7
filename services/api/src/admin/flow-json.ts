// An IVR flow version in the admin REST JSON: the document as a JSON object (the proto carries it as text so the
// gateway can store it byte-exact and point into it; clients should not have to stringify it), who stored it, when.
import { ActorKind, type Actor } from '@parley/protos/parley/common/v1/actor';
import type { Flow } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { jsonEnum } from './json-enum.js';
import { nameSchema, timestampSchema } from './schema-parts.js';

/** Flow ids as the gateway's flow store accepts them. */
export const FLOW_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

const actorKind = jsonEnum<ActorKind>(ActorKind, 'ACTOR_KIND_', { zero: 'system' });

export interface FlowBody {
  displayName: string;
  document: Record<string, unknown>;
  expectedVersion?: number;
}

export interface FlowSummaryJson {
  id: string;
  displayName: string;
  version: number;
  createdAt?: string;
  createdBy?: { kind: string; id: string; displayName: string };
}

export interface FlowJson extends FlowSummaryJson {
  document: unknown;
}

const documentSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'The flow document: { schemaVersion, start, nodes: { <id>: { type, ... } } } (the gateway’s schema).',
} as const;

export const flowBodySchema = {
  type: 'object',
  properties: {
    displayName: nameSchema,
    document: documentSchema,
    expectedVersion: {
      type: 'integer',
      minimum: 1,
      description: 'Store only if the latest version is this one (409 otherwise).',
    },
  },
  required: ['displayName', 'document'],
  additionalProperties: false,
} as const;

const summaryProperties = {
  id: { type: 'string' },
  displayName: { type: 'string' },
  version: { type: 'integer', description: '1 for the first, +1 per PUT; new calls run the latest.' },
  createdAt: timestampSchema,
  createdBy: {
    type: 'object',
    description: 'Who stored this version.',
    properties: {
      kind: { type: 'string', enum: actorKind.names },
      id: { type: 'string' },
      displayName: { type: 'string' },
    },
    required: ['kind', 'id', 'displayName'],
  },
} as const;

export const flowSummarySchema = {
  type: 'object',
  properties: summaryProperties,
  required: ['id', 'displayName', 'version'],
} as const;

export const flowSchema = {
  type: 'object',
  properties: { ...summaryProperties, document: documentSchema },
  required: ['id', 'displayName', 'version', 'document'],
} as const;

export function flowSummaryToJson(flow: Flow): FlowSummaryJson {
  return {
    id: flow.id,
    displayName: flow.displayName,
    version: flow.version,
    ...(flow.createdAt ? { createdAt: flow.createdAt.toISOString() } : {}),
    ...(flow.createdBy ? { createdBy: actorToJson(flow.createdBy) } : {}),
  };
}

/** The gateway stores only documents it validated, so the text is JSON. */
export function flowToJson(flow: Flow): FlowJson {
  return { ...flowSummaryToJson(flow), document: JSON.parse(flow.documentJson) as unknown };
}

function actorToJson(actor: Actor) {
  return { kind: actorKind.toJson(actor.kind), id: actor.id, displayName: actor.displayName };
}
