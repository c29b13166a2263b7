// A routing agent in the admin REST JSON: configuration (site, teams, skills with levels, capacity per channel) and,
// on reads, the live status. The PUT body is the configuration plus `expectedRevision`; it replaces the whole agent.
import { Agent, AgentDevice, AgentState, type AgentStatus } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { jsonEnum } from './json-enum.js';
import { channel, channelSchema } from './channel-json.js';
import { idListSchema, idSchema, nameSchema, timestampSchema } from './schema-parts.js';

export const agentState = jsonEnum<AgentState>(AgentState, 'AGENT_STATE_');
// The proto treats an unset device as the browser.
const agentDevice = jsonEnum<AgentDevice>(AgentDevice, 'AGENT_DEVICE_', { zero: 'browser' });
// Callbacks count against the voice entry, so they have no capacity of their own.
const capacityChannel = jsonEnum<Channel>(Channel, 'CHANNEL_', { exclude: [Channel.CHANNEL_CALLBACK] });

interface AgentSettings {
  displayName: string;
  siteId: string;
  loginSubject?: string;
  teamIds?: string[];
  skills?: { name: string; level: number }[];
  capacities?: { channel: string; maxConcurrent: number; blocksChannels?: string[] }[];
  sipAor?: string;
  missedOffersBeforePause?: number;
}

export interface AgentBody extends AgentSettings {
  expectedRevision?: number;
}

interface AgentStatusJson {
  state: string;
  notReadyReason?: { id: string; displayName: string };
  stateChangedAt?: string;
  device: string;
  interactionIds: string[];
  loads: { channel: string; active: number; reserved: number }[];
}

export interface AgentJson extends AgentSettings {
  id: string;
  status?: AgentStatusJson;
  revision: number;
  createdAt?: string;
  updatedAt?: string;
}

const settingsProperties = {
  displayName: nameSchema,
  siteId: { ...idSchema, description: 'Home site.' },
  loginSubject: { type: 'string', maxLength: 256, description: 'OIDC subject of their login.' },
  teamIds: idListSchema,
  skills: {
    type: 'array',
    maxItems: 100,
    items: {
      type: 'object',
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'E.g. "billing".' },
        level: { type: 'integer', minimum: 1, maximum: 10, description: '1 (novice) to 10 (expert).' },
      },
      required: ['name', 'level'],
      additionalProperties: false,
    },
  },
  capacities: {
    type: 'array',
    maxItems: 3,
    description: 'Interactions held at once per channel; a channel left out: none.',
    items: {
      type: 'object',
      properties: {
        channel: { type: 'string', enum: capacityChannel.names },
        maxConcurrent: { type: 'integer', minimum: 0, maximum: 100 },
        blocksChannels: {
          type: 'array',
          items: channelSchema,
          maxItems: 4,
          description: 'No new offers on these while one of this channel is active.',
        },
      },
      required: ['channel', 'maxConcurrent'],
      additionalProperties: false,
    },
  },
  sipAor: { type: 'string', maxLength: 256, description: 'E.g. "sip:anna@waw.parley.local"; none: browser only.' },
  missedOffersBeforePause: {
    type: 'integer',
    minimum: 0,
    maximum: 100,
    description: 'Missed offers in a row that pause the agent (default 3; 0: never).',
  },
} as const;

export const agentBodySchema = {
  type: 'object',
  properties: {
    ...settingsProperties,
    expectedRevision: {
      type: 'integer',
      minimum: 1,
      description: 'Store only if the stored revision is this one (409 otherwise).',
    },
  },
  required: ['displayName', 'siteId'],
  additionalProperties: false,
} as const;

const statusSchema = {
  type: 'object',
  description: 'Live status.',
  properties: {
    state: { type: 'string', enum: agentState.names },
    notReadyReason: {
      type: 'object',
      properties: { id: { type: 'string' }, displayName: { type: 'string' } },
      required: ['id', 'displayName'],
    },
    stateChangedAt: timestampSchema,
    device: { type: 'string', enum: agentDevice.names },
    interactionIds: { type: 'array', items: { type: 'string' } },
    loads: {
      type: 'array',
      items: {
        type: 'object',
        properties: { channel: channelSchema, active: { type: 'integer' }, reserved: { type: 'integer' } },
        required: ['channel', 'active', 'reserved'],
      },
    },
  },
  required: ['state', 'device', 'interactionIds', 'loads'],
} as const;

export const agentSchema = {
  type: 'object',
  properties: {
    id: idSchema,
    ...settingsProperties,
    status: statusSchema,
    revision: { type: 'integer', description: 'Incremented on every change.' },
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  },
  required: ['id', 'displayName', 'siteId', 'revision'],
} as const;

function statusToJson(status: AgentStatus): AgentStatusJson {
  const reason = status.notReadyReason;
  return {
    state: agentState.toJson(status.state),
    ...(reason ? { notReadyReason: { id: reason.code, displayName: reason.displayName } } : {}),
    ...(status.stateChangedAt ? { stateChangedAt: status.stateChangedAt.toISOString() } : {}),
    device: agentDevice.toJson(status.device),
    interactionIds: status.interactionIds,
    loads: status.loads.map((load) => ({ ...load, channel: channel.toJson(load.channel) })),
  };
}

export function agentToJson(agent: Agent): AgentJson {
  return {
    id: agent.id,
    displayName: agent.displayName,
    siteId: agent.siteId,
    loginSubject: agent.loginSubject,
    teamIds: agent.teamIds,
    skills: agent.skills,
    capacities: agent.capacities.map((capacity) => ({
      channel: channel.toJson(capacity.channel),
      maxConcurrent: capacity.maxConcurrent,
      blocksChannels: capacity.blocksChannels.map(channel.toJson),
    })),
    sipAor: agent.sipAor,
    ...(agent.missedOffersBeforePause !== undefined ? { missedOffersBeforePause: agent.missedOffersBeforePause } : {}),
    ...(agent.status ? { status: statusToJson(agent.status) } : {}),
    revision: agent.revision,
    ...(agent.createdAt ? { createdAt: agent.createdAt.toISOString() } : {}),
    ...(agent.updatedAt ? { updatedAt: agent.updatedAt.toISOString() } : {}),
  };
}

export function agentFromBody(id: string, body: AgentBody): Agent {
  return Agent.fromPartial({
    id,
    displayName: body.displayName,
    siteId: body.siteId,
    loginSubject: body.loginSubject ?? '',
    teamIds: body.teamIds ?? [],
    skills: body.skills ?? [],
    capacities: (body.capacities ?? []).map((capacity) => ({
      channel: capacityChannel.fromJson(capacity.channel),
      maxConcurrent: capacity.maxConcurrent,
      blocksChannels: (capacity.blocksChannels ?? []).map(channel.fromJson),
    })),
    sipAor: body.sipAor ?? '',
    ...(body.missedOffersBeforePause !== undefined ? { missedOffersBeforePause: body.missedOffersBeforePause } : {}),
  });
}
