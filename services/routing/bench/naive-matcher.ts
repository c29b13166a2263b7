// The baseline the engine is measured against: on every free agent, scan every waiting interaction and pick the
// best one the agent may take. Correct, simple, and O(waiting) per decision.
import type { AgentProfile, Channel, QueueConfig } from '../src/domain/model.js';

interface Waiting {
  id: string;
  queue: QueueConfig;
  channel: Channel;
  priority: number;
  attributes: Record<string, string>;
  enqueuedAt: number;
}

export class NaiveMatcher {
  private waiting: Waiting[] = [];

  constructor(private readonly queues: Map<string, QueueConfig>) {}

  enqueue(
    arrival: {
      interactionId: string;
      queueId: string;
      channel: Channel;
      priority: number;
      attributes: Record<string, string>;
    },
    now: number,
  ): void {
    this.waiting.push({
      id: arrival.interactionId,
      queue: this.queues.get(arrival.queueId)!,
      channel: arrival.channel,
      priority: arrival.priority,
      attributes: arrival.attributes,
      enqueuedAt: now,
    });
  }

  /** Returns the interaction offered to the agent (and removes it), or undefined. */
  decide(agent: AgentProfile, channel: Channel, now: number): string | undefined {
    let bestIndex = -1;
    let bestScore = -Infinity;
    let bestEnqueued = Infinity;
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i]!;
      if (w.channel !== channel) continue;
      if (w.queue.teamIds.length > 0 && !agent.teamIds.some((t) => w.queue.teamIds.includes(t))) continue;
      const relax =
        now - w.enqueuedAt >= (w.queue.steps[0]?.afterMs ?? Infinity) ? (w.queue.steps[0]?.relaxSkillsBy ?? 0) : 0;
      if (!w.queue.requirement.specialise(w.attributes).matches(agent.skills, relax)) continue;
      const score = w.priority + (w.queue.urgency * (now - w.enqueuedAt)) / w.queue.slaThresholdMs;
      if (score > bestScore || (score === bestScore && w.enqueuedAt < bestEnqueued)) {
        bestIndex = i;
        bestScore = score;
        bestEnqueued = w.enqueuedAt;
      }
    }
    if (bestIndex < 0) return undefined;
    const [chosen] = this.waiting.splice(bestIndex, 1);
    return chosen?.id;
  }
}
