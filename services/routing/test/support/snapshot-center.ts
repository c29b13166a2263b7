// The small contact center the snapshot property runs in: four agents over two sites and a team, four queues covering
// every strategy, widening steps (one replacing the requirement), sticky waits, wrap-up, max wait and a decision
// hook, and work already waiting when a history starts.
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { RoutingStrategy } from '@parley/protos/parley/common/v1/queue';
import {
  EnqueueInteractionRequest,
  LoginAgentRequest,
  UpsertAgentRequest,
  UpsertQueueRequest,
  UpsertWrapUpCodeRequest,
} from '@parley/protos/parley/routing/v1/routing';

export const t0 = 1_700_000_000_000;
export const agents = ['a0', 'a1', 'a2', 'a3'];
export const queues = ['q0', 'q1', 'q2', 'q3'];

export type Step = { method: string; request: unknown; gapMs: number };

export const queueRequests = (variant: number) => [
  UpsertQueueRequest.fromPartial({
    queue: {
      id: 'q0',
      displayName: 'Billing',
      channels: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT, Channel.CHANNEL_CALLBACK],
      skillsExpression: variant ? 'skill.billing >= 2' : 'skill.billing >= 3',
      offerTimeouts: [{ channel: Channel.CHANNEL_CHAT, timeoutMs: 15_000 }],
      stickyWindowMs: 20_000,
    },
  }),
  UpsertQueueRequest.fromPartial({
    queue: {
      id: 'q1',
      displayName: 'Sales',
      channels: [Channel.CHANNEL_CHAT, Channel.CHANNEL_EMAIL],
      teamIds: ['sales'],
      strategy: RoutingStrategy.ROUTING_STRATEGY_ROUND_ROBIN,
      wrapUp: { timeoutMs: 10_000, wrapUpCodeIds: variant ? ['sold'] : [] },
      priority: variant,
    },
  }),
  UpsertQueueRequest.fromPartial({
    queue: {
      id: 'q2',
      displayName: 'Tech',
      channels: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT],
      siteIds: ['waw'],
      skillsExpression: 'skill.tech >= 6 && lang == "pl"',
      strategy: variant
        ? RoutingStrategy.ROUTING_STRATEGY_MOST_SKILLED
        : RoutingStrategy.ROUTING_STRATEGY_LEAST_OCCUPIED,
      steps: [
        { afterWaitMs: 20_000, skillLevelRelaxation: 2, allSites: true },
        { afterWaitMs: 45_000, skillsExpression: 'skill.billing >= 1' },
      ],
      maxWaitMs: 90_000,
      wrapUp: { timeoutMs: 5_000 },
      serviceLevel: { percent: 80, thresholdMs: 20_000 },
    },
  }),
  UpsertQueueRequest.fromPartial({
    queue: {
      id: 'q3',
      displayName: 'Hooked',
      channels: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT, Channel.CHANNEL_EMAIL],
      // The hook is told every candidate in strategy order, which makes the pools' agent order visible in events.
      strategy: variant
        ? RoutingStrategy.ROUTING_STRATEGY_LEAST_OCCUPIED
        : RoutingStrategy.ROUTING_STRATEGY_ROUND_ROBIN,
      decisionHookSubject: 'hooks.q3',
      decisionHookTimeoutMs: variant ? 2_000 : 0,
      wrapUp: { timeoutMs: 3_000 },
    },
  }),
];

/** The channels each queue serves (callbacks come from converting a waiting call). */
export const queueChannels: Record<string, Channel[]> = {
  q0: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT],
  q1: [Channel.CHANNEL_CHAT, Channel.CHANNEL_EMAIL],
  q2: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT],
  q3: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT, Channel.CHANNEL_EMAIL],
};

export const agentRequest = (index: number, variant: number) =>
  UpsertAgentRequest.fromPartial({
    agent: {
      id: `a${index}`,
      displayName: `A${index}`,
      siteId: index % 2 ? 'krk' : 'waw',
      teamIds: index < 2 ? ['sales'] : [],
      skills: [
        { name: 'billing', level: 2 + ((index + variant) % 4) * 2 },
        { name: 'tech', level: 4 + ((index * 3 + variant) % 6) },
      ],
      capacities: [
        { channel: Channel.CHANNEL_VOICE, maxConcurrent: 1, blocksChannels: index === 3 ? [] : [Channel.CHANNEL_CHAT] },
        { channel: Channel.CHANNEL_CHAT, maxConcurrent: 2 },
        { channel: Channel.CHANNEL_EMAIL, maxConcurrent: 1 },
      ],
      missedOffersBeforePause: [0, 2, 1, 0][index] ?? 0,
    },
  });

export const setUp: Step[] = [
  {
    method: 'upsertWrapUpCode',
    request: UpsertWrapUpCodeRequest.fromPartial({ wrapUpCode: { id: 'sold', displayName: 'Sold', active: true } }),
    gapMs: 0,
  },
  ...queueRequests(0).map((request) => ({ method: 'upsertQueue', request, gapMs: 0 })),
  ...agents.map((_, i) => ({ method: 'upsertAgent', request: agentRequest(i, 0), gapMs: 0 })),
  ...agents.map((agentId) => ({
    method: 'loginAgent',
    request: LoginAgentRequest.fromPartial({ agentId, sessionId: 's', initialState: AgentState.AGENT_STATE_AVAILABLE }),
    gapMs: 10,
  })),
  // Work already there, so that most snapshots hold offers, lines, sticky waits and decisions.
  ...(
    [
      ['q0', Channel.CHANNEL_CHAT, { lang: 'pl' }],
      ['q0', Channel.CHANNEL_VOICE, { lang: 'pl', last_agent_id: 'a1' }],
      ['q1', Channel.CHANNEL_EMAIL, { lang: 'en' }],
      ['q2', Channel.CHANNEL_CHAT, { lang: 'pl' }],
      ['q2', Channel.CHANNEL_VOICE, { lang: 'en' }],
      ['q3', Channel.CHANNEL_CHAT, { lang: 'pl' }],
      ['q3', Channel.CHANNEL_EMAIL, { lang: 'de' }],
      ['q0', Channel.CHANNEL_CHAT, { lang: 'en', last_agent_id: 'a3' }],
    ] as const
  ).map(([queueId, channel, attributes], i) => ({
    method: 'enqueueInteraction',
    request: EnqueueInteractionRequest.fromPartial({
      interaction: { id: `seed${i}`, channel, siteId: 'waw', queueId, priority: i % 3, attributes },
    }),
    gapMs: 100,
  })),
];
