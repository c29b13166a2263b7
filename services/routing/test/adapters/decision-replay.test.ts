// A hook's answer is a logged operation: replayed from its log bytes, or applied to a machine restored from a snapshot
// taken while the interaction was deciding, it makes the same offer as on the owner.
import { describe, expect, it } from 'vitest';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  EnqueueInteractionRequest,
  LoginAgentRequest,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import {
  decideMethod,
  decodeDecision,
  encodeDecision,
  RoutingStateMachine,
} from '../../src/adapters/routing-state-machine.js';
import type { HookDecision } from '../../src/domain/decisions.js';

const t0 = 1_700_000_000_000;

const setup: [string, unknown][] = [
  [
    'upsertQueue',
    UpsertQueueRequest.fromPartial({
      queue: { id: 'q', displayName: 'Q', channels: [Channel.CHANNEL_CHAT], decisionHookSubject: 'hooks.q' },
    }),
  ],
  ...['a1', 'a2', 'a3'].flatMap((id): [string, unknown][] => [
    [
      'upsertAgent',
      UpsertAgentRequest.fromPartial({
        agent: {
          id,
          displayName: id,
          siteId: 'waw',
          capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 1 }],
        },
      }),
    ],
    [
      'loginAgent',
      LoginAgentRequest.fromPartial({ agentId: id, sessionId: id, initialState: AgentState.AGENT_STATE_AVAILABLE }),
    ],
  ]),
  [
    'enqueueInteraction',
    EnqueueInteractionRequest.fromPartial({
      interaction: { id: 'c1', channel: Channel.CHANNEL_CHAT, siteId: 'waw', queueId: 'q' },
    }),
  ],
];

async function deciding(): Promise<RoutingStateMachine> {
  const machine = new RoutingStateMachine('waw');
  for (const [i, [method, request]] of setup.entries()) await machine.apply(method, request, t0 + i);
  machine.engine.drainEvents();
  return machine;
}

const decision: HookDecision = { interactionId: 'c1', round: 1, agentIds: ['a3', 'a1'], failure: undefined };

describe('logged decisions', () => {
  it('round-trips a decision through its log bytes, failure included', () => {
    expect(decodeDecision(encodeDecision(decision))).toEqual(decision);
    const failed: HookDecision = { interactionId: 'c1', round: 7, agentIds: [], failure: 'malformed_reply' };
    expect(decodeDecision(encodeDecision(failed))).toEqual(failed);
  });

  it('makes the same offer when replayed from the log bytes', async () => {
    const owner = await deciding();
    const standby = await deciding();
    expect(owner.engine.interactions.get('c1')?.phase).toBe('deciding');

    const live = await owner.apply(decideMethod, decision, t0 + 100);
    const replayed = await standby.apply(decideMethod, decodeDecision(encodeDecision(decision)), t0 + 100);

    expect(live).toEqual({ outcome: 'hook', agentId: 'a3' });
    expect(replayed).toEqual(live);
    expect(standby.engine.drainEvents()).toEqual(owner.engine.drainEvents());
  });

  it('keeps a deciding interaction deciding across a snapshot, and its answer applies after the restore', async () => {
    const owner = await deciding();
    const restored = RoutingStateMachine.restore('waw', owner.snapshot());
    expect(restored.engine.interactions.get('c1')).toMatchObject({
      phase: 'deciding',
      candidateAgentIds: ['a1', 'a2', 'a3'],
      decisionRound: 1,
    });

    expect(await restored.apply(decideMethod, { ...decision, round: 0 }, t0 + 100)).toEqual({ outcome: 'ignored' });
    expect(await restored.apply(decideMethod, decision, t0 + 100)).toEqual({ outcome: 'hook', agentId: 'a3' });
    // Past the decision deadline (which survived the restore), within the offer's: the deadline changes nothing.
    await restored.apply('__advance', undefined, t0 + 5_000);
    expect(restored.engine.interactions.get('c1')).toMatchObject({ phase: 'offered', agentId: 'a3' });
  });

  it('falls back on the decision deadline after a restore when no answer is recorded', async () => {
    const restored = RoutingStateMachine.restore('waw', (await deciding()).snapshot());
    await restored.apply('__advance', undefined, t0 + 5_000);
    expect(restored.engine.interactions.get('c1')).toMatchObject({ phase: 'offered', agentId: 'a1' });
  });
});
