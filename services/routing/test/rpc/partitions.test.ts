// A partition's state accepts agents and queues of its own sites only, and says which partition to go to otherwise.
import { describe, expect, it } from 'vitest';
import { RoutingEngine } from '../../src/domain/engine.js';
import { createRoutingHandlers } from '../../src/rpc/routing-handlers.js';
import { context, protoAgent, protoQueue, t0 } from './harness.js';

function partitionHandlers() {
  const engine = new RoutingEngine({ newId: () => 'offer' });
  return createRoutingHandlers({
    engine,
    now: () => t0,
    commit: async () => undefined,
    partition: { name: 'eu', siteIds: ['waw', 'krk'] },
  });
}

describe('routing partition boundaries', () => {
  it('accepts agents and queues of the partition, refuses other sites with FAILED_PRECONDITION naming the field', async () => {
    const handlers = partitionHandlers();
    await handlers.upsertAgent({ agent: protoAgent({ id: 'a1', siteId: 'krk' }), expectedRevision: 0 }, context);
    await handlers.upsertQueue(
      { queue: protoQueue({ id: 'q1', siteIds: ['waw'], steps: [] }), expectedRevision: 0 },
      context,
    );

    await expect(
      handlers.upsertAgent({ agent: protoAgent({ id: 'a2', siteId: 'nyc' }), expectedRevision: 0 }, context),
    ).rejects.toMatchObject({
      code: 'PARLEY_ROUTING_WRONG_PARTITION',
      status: 9,
      fieldViolations: [{ field: 'agent.site_id' }],
    });
    await expect(
      handlers.upsertQueue({ queue: protoQueue({ id: 'q2', siteIds: ['waw', 'nyc'] }), expectedRevision: 0 }, context),
    ).rejects.toMatchObject({
      code: 'PARLEY_ROUTING_WRONG_PARTITION',
      fieldViolations: [{ field: 'queue.site_ids[1]' }],
    });
    const widening = protoQueue({
      id: 'q3',
      siteIds: ['waw'],
      steps: [
        {
          afterWaitMs: 10_000,
          skillsExpression: '',
          skillLevelRelaxation: 0,
          addTeamIds: [],
          addSiteIds: ['krk', 'sfo'],
          allSites: false,
        },
      ],
    });
    await expect(handlers.upsertQueue({ queue: widening, expectedRevision: 0 }, context)).rejects.toMatchObject({
      code: 'PARLEY_ROUTING_WRONG_PARTITION',
      fieldViolations: [{ field: 'queue.steps[0].add_site_ids[1]' }],
    });
    const listed = await handlers.listAgents({ siteId: '', teamId: '', states: [], paging: undefined }, context);
    expect(listed.agents.map((agent) => agent.id)).toEqual(['a1']);
  });
});
