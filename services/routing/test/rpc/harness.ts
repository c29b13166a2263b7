// Builds routing handlers over a real engine with a fake clock and a counting commit, plus proto builders.
import type { CallContext } from '@parley/kit';
import type { Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import type { Interaction } from '@parley/protos/parley/common/v1/interaction';
import type { Queue } from '@parley/protos/parley/common/v1/queue';
import { RoutingEngine } from '../../src/domain/engine.js';
import type { RoutingEvent } from '../../src/domain/events.js';
import { createRoutingHandlers, RoutingCatalog } from '../../src/rpc/routing-handlers.js';

export const context: CallContext = {
  method: 'test',
  transport: 'nats',
  deadline: undefined,
  signal: new AbortController().signal,
  metadata: {},
};

export const t0 = 1_700_000_000_000;

export function setup(catalog = new RoutingCatalog()) {
  let next = 0;
  const engine = new RoutingEngine({ newId: () => `offer-${++next}` });
  const clock = { now: t0 };
  const published: RoutingEvent[] = [];
  const commits = { count: 0 };
  const handlers = createRoutingHandlers({
    engine,
    catalog,
    now: () => clock.now,
    commit: async () => {
      // Asynchronous on purpose: a handler that forgot to await would answer before the count moves.
      await Promise.resolve();
      published.push(...engine.drainEvents());
      commits.count++;
    },
  });
  return { engine, catalog, clock, published, commits, handlers };
}

export function protoAgent(overrides: Partial<Agent> & { id: string }): Agent {
  return {
    displayName: overrides.id,
    loginSubject: '',
    siteId: 'waw',
    teamIds: [],
    skills: [],
    capacities: [
      {
        channel: Channel.CHANNEL_VOICE,
        maxConcurrent: 1,
        blocksChannels: [Channel.CHANNEL_CHAT, Channel.CHANNEL_EMAIL],
      },
      { channel: Channel.CHANNEL_CHAT, maxConcurrent: 3, blocksChannels: [] },
    ],
    sipAor: '',
    status: undefined,
    revision: 0,
    createdAt: undefined,
    updatedAt: undefined,
    ...overrides,
  };
}

export function protoQueue(overrides: Partial<Queue> & { id: string }): Queue {
  return {
    displayName: overrides.id,
    channels: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT],
    siteIds: [],
    teamIds: [],
    skillsExpression: '',
    priority: 0,
    serviceLevel: undefined,
    strategy: 0,
    stickyWindowMs: 0,
    steps: [],
    maxWaitMs: 0,
    maxWaitAction: undefined,
    businessHours: undefined,
    wrapUp: undefined,
    offerTimeouts: [],
    announcements: undefined,
    decisionHookSubject: '',
    decisionHookTimeoutMs: 0,
    revision: 0,
    createdAt: undefined,
    updatedAt: undefined,
    ...overrides,
  };
}

export function protoInteraction(overrides: Partial<Interaction> & { id: string }): Interaction {
  return {
    channel: Channel.CHANNEL_CHAT,
    direction: 0,
    siteId: 'waw',
    customer: undefined,
    attributes: {},
    queueId: 'q',
    priority: 0,
    requiredSkills: [],
    state: 0,
    segmentId: '',
    agentId: '',
    callId: '',
    entryPoint: '',
    subject: '',
    notBefore: undefined,
    timestamps: undefined,
    parentInteractionId: '',
    ...overrides,
  };
}
