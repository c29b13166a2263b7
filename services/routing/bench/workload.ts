// A contact center of a given size with mixed skills, built the same way for the engine and the naive matcher.
import type { AgentProfile, Channel, QueueConfig } from '../src/domain/model.js';
import { compileSkillsExpression } from '../src/domain/skills-expression/index.js';

export interface WorkloadSize {
  agents: number;
  queues: number;
  waiting: number;
  teams: number;
  skills: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same center. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Workload {
  queues: QueueConfig[];
  agents: AgentProfile[];
  arrivals: {
    interactionId: string;
    queueId: string;
    channel: Channel;
    priority: number;
    attributes: Record<string, string>;
  }[];
}

export function buildWorkload(size: WorkloadSize, seed = 42): Workload {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const languages = ['pl', 'en', 'de'];
  const queues: QueueConfig[] = Array.from({ length: size.queues }, (_, q) => ({
    id: `q${q}`,
    channels: ['voice', 'chat'],
    siteIds: [],
    teamIds: [`t${q % size.teams}`],
    // Half the queues also route on the interaction's language.
    requirement: compileSkillsExpression(
      q % 2 === 0
        ? `skill.s${pick(size.skills)} >= ${1 + pick(5)}`
        : `skill.s${pick(size.skills)} >= ${1 + pick(5)} && (lang == "pl" || skill.lang_${languages[pick(3)]} >= 1)`,
    ),
    priority: pick(3),
    slaThresholdMs: 20_000,
    urgency: 1,
    strategy: (['longest_idle', 'most_skilled', 'least_occupied', 'round_robin'] as const)[q % 4]!,
    steps: [{ afterMs: 60_000, relaxSkillsBy: 2, addTeamIds: [], anySite: true }],
    maxWaitMs: 0,
    maxWaitAction: 'voicemail',
    offerTimeoutMs: {},
    wrapUpMs: 0,
    stickyWindowMs: 0,
  }));
  const agents: AgentProfile[] = Array.from({ length: size.agents }, (_, a) => {
    const skills = new Map<string, number>();
    for (let s = 0; s < 8; s++) skills.set(`s${pick(size.skills)}`, 1 + pick(10));
    skills.set(`lang_${languages[pick(3)]}`, 5);
    return {
      id: `a${a}`,
      siteId: a % 2 === 0 ? 'waw' : 'krk',
      teamIds: [`t${pick(size.teams)}`, `t${pick(size.teams)}`, `t${pick(size.teams)}`],
      skills,
      capacity: { voice: 1, chat: 3 },
      voiceIsExclusive: true,
      missedOffersBeforePause: 0,
    };
  });
  const arrivals = Array.from({ length: size.waiting }, (_, i) => ({
    interactionId: `i${i}`,
    queueId: `q${pick(size.queues)}`,
    channel: (next() < 0.5 ? 'voice' : 'chat') as Channel,
    priority: pick(4),
    attributes: { lang: languages[pick(3)] as string },
  }));
  return { queues, agents, arrivals };
}
