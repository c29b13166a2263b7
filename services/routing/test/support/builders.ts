// Small builders for agents and queues in routing tests: sensible defaults, override what the test is about.
import { RoutingEngine } from '../../src/domain/engine.js';
import type { AgentProfile, QueueConfig } from '../../src/domain/model.js';
import { compileSkillsExpression } from '../../src/domain/skills-expression/index.js';

export function queue(
  overrides: Partial<Omit<QueueConfig, 'requirement'>> & { id: string; expression?: string },
): QueueConfig {
  const { expression = '', ...rest } = overrides;
  return {
    channels: ['voice', 'chat', 'email', 'callback'],
    siteIds: [],
    teamIds: [],
    requirement: compileSkillsExpression(expression),
    priority: 0,
    slaThresholdMs: 20_000,
    urgency: 1,
    strategy: 'longest_idle',
    steps: [],
    maxWaitMs: 0,
    maxWaitAction: 'voicemail',
    offerTimeoutMs: {},
    wrapUpMs: 0,
    stickyWindowMs: 0,
    ...rest,
  };
}

export function agent(
  overrides: Partial<Omit<AgentProfile, 'skills'>> & { id: string; skills?: Record<string, number> },
): AgentProfile {
  const { skills = {}, ...rest } = overrides;
  return {
    siteId: 'waw',
    teamIds: [],
    skills: new Map(Object.entries(skills)),
    capacity: { voice: 1, chat: 3, email: 2, callback: 1 },
    voiceIsExclusive: true,
    missedOffersBeforePause: 0,
    ...rest,
  };
}

export function engine(): RoutingEngine {
  let next = 0;
  return new RoutingEngine({ newId: () => `offer-${++next}` });
}

export const t0 = 1_700_000_000_000;
