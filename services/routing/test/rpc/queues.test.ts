// Queue RPCs: mapping onto the engine's configuration, validation, revisions, snapshots and the small catalogs.
import { describe, expect, it } from 'vitest';
import { Status } from '@parley/kit';
import { AgentDevice, AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { OverflowAction, RoutingStrategy } from '@parley/protos/parley/common/v1/queue';
import { context, protoAgent, protoInteraction, protoQueue, setup, t0 } from './harness.js';

describe('routing rpc › queues', () => {
  it('maps a queue onto the engine configuration, with defaults for unset fields', async () => {
    const { handlers, engine, commits } = setup();
    await handlers.upsertQueue(
      {
        queue: protoQueue({
          id: 'sales',
          channels: [Channel.CHANNEL_VOICE],
          siteIds: ['waw'],
          skillsExpression: 'skill.sales >= 3',
          priority: 40,
          serviceLevel: { percent: 80, thresholdMs: 30_000 },
          strategy: RoutingStrategy.ROUTING_STRATEGY_STICKY,
          stickyWindowMs: 60_000,
          steps: [
            {
              afterWaitMs: 10_000,
              skillLevelRelaxation: 1,
              skillsExpression: '',
              addTeamIds: ['t2'],
              addSiteIds: [],
              allSites: false,
            },
            {
              afterWaitMs: 20_000,
              skillLevelRelaxation: 0,
              skillsExpression: '',
              addTeamIds: [],
              addSiteIds: [],
              allSites: true,
            },
          ],
          maxWaitMs: 300_000,
          maxWaitAction: { action: OverflowAction.OVERFLOW_ACTION_CALLBACK, targetQueueId: '', announcementPrompt: '' },
          wrapUp: { timeoutMs: 15_000, codeRequired: false, wrapUpCodeIds: [], autoAvailable: true },
          offerTimeouts: [{ channel: Channel.CHANNEL_VOICE, timeoutMs: 12_000 }],
        }),
        expectedRevision: 0,
      },
      context,
    );
    expect(commits.count).toBe(1);
    const config = engine.queues.get('sales');
    expect(config).toMatchObject({
      channels: ['voice', 'callback'],
      siteIds: ['waw'],
      priority: 40,
      slaThresholdMs: 30_000,
      urgency: 1,
      strategy: 'longest_idle',
      stickyWindowMs: 60_000,
      steps: [
        { afterMs: 10_000, relaxSkillsBy: 1, addTeamIds: ['t2'], anySite: false },
        { afterMs: 20_000, relaxSkillsBy: 0, addTeamIds: [], anySite: true },
      ],
      maxWaitMs: 300_000,
      maxWaitAction: 'callback',
      offerTimeoutMs: { voice: 12_000 },
      wrapUpMs: 15_000,
    });
    expect(config?.requirement.source).toBe('skill.sales >= 3');

    await handlers.upsertQueue({ queue: protoQueue({ id: 'plain' }), expectedRevision: 0 }, context);
    expect(engine.queues.get('plain')).toMatchObject({
      slaThresholdMs: 20_000,
      strategy: 'longest_idle',
      maxWaitMs: 0,
      wrapUpMs: 0,
      stickyWindowMs: 0,
    });
  });

  it('reports a bad skills expression as INVALID_ARGUMENT with its position', async () => {
    const { handlers, commits } = setup();
    const error = await handlers
      .upsertQueue(
        { queue: protoQueue({ id: 'q', skillsExpression: 'skill.billing >= ' }), expectedRevision: 0 },
        context,
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: Status.INVALID_ARGUMENT,
      code: 'PARLEY_ROUTING_INVALID_SKILLS_EXPRESSION',
      metadata: { position: '17' },
      fieldViolations: [{ field: 'queue.skills_expression' }],
    });
    expect(commits.count).toBe(0);
  });

  it('names every bad field of a queue', async () => {
    const { handlers } = setup();
    const queue = protoQueue({
      id: '',
      channels: [],
      priority: 101,
      skillsExpression: '&&',
      steps: [
        {
          afterWaitMs: 0,
          skillLevelRelaxation: 11,
          skillsExpression: '',
          addTeamIds: [''],
          addSiteIds: [],
          allSites: false,
        },
      ],
      maxWaitAction: {
        action: OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE,
        targetQueueId: '',
        announcementPrompt: '',
      },
      offerTimeouts: [{ channel: Channel.CHANNEL_UNSPECIFIED, timeoutMs: 0 }],
    });
    const error = await handlers.upsertQueue({ queue, expectedRevision: 0 }, context).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: Status.INVALID_ARGUMENT, code: 'PARLEY_ROUTING_INVALID_ARGUMENT' });
    expect((error as { fieldViolations: { field: string }[] }).fieldViolations.map((v) => v.field)).toEqual([
      'queue.id',
      'queue.channels',
      'queue.priority',
      'queue.skills_expression',
      'queue.steps[0].after_wait_ms',
      'queue.steps[0].skill_level_relaxation',
      'queue.steps[0].add_team_ids[0]',
      'queue.max_wait_action.target_queue_id',
      'queue.offer_timeouts[0].channel',
      'queue.offer_timeouts[0].timeout_ms',
    ]);
  });

  it('accepts steps that replace the skills expression or add sites, and names a bad step expression', async () => {
    const { handlers, engine } = setup();
    const step = {
      afterWaitMs: 5,
      skillLevelRelaxation: 0,
      skillsExpression: 'skill.a >= 1',
      addTeamIds: [],
      addSiteIds: ['krk'],
      allSites: false,
    };
    await handlers.upsertQueue({ queue: protoQueue({ id: 'q', steps: [step] }), expectedRevision: 0 }, context);
    expect(engine.queues.get('q')?.steps[0]?.addSiteIds).toEqual(['krk']);
    expect(engine.queues.get('q')?.steps[0]?.requirement?.source).toBe('skill.a >= 1');
    await expect(
      handlers.upsertQueue(
        { queue: protoQueue({ id: 'bad', steps: [{ ...step, skillsExpression: 'skill.a >=' }] }), expectedRevision: 0 },
        context,
      ),
    ).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [expect.objectContaining({ field: 'queue.steps[0].skills_expression' })],
    });
  });

  it('checks revisions and references', async () => {
    const { handlers } = setup();
    const first = await handlers.upsertQueue({ queue: protoQueue({ id: 'q' }), expectedRevision: 0 }, context);
    expect(first.queue).toMatchObject({ revision: 1, createdAt: new Date(t0) });
    await expect(
      handlers.upsertQueue({ queue: protoQueue({ id: 'q' }), expectedRevision: 7 }, context),
    ).rejects.toMatchObject({
      status: Status.ABORTED,
    });
    const overflowing = protoQueue({
      id: 'q2',
      maxWaitMs: 1_000,
      maxWaitAction: {
        action: OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE,
        targetQueueId: 'missing',
        announcementPrompt: '',
      },
    });
    await expect(handlers.upsertQueue({ queue: overflowing, expectedRevision: 0 }, context)).rejects.toMatchObject({
      status: Status.NOT_FOUND,
      code: 'PARLEY_ROUTING_QUEUE_NOT_FOUND',
    });
  });

  it('gets, lists and deletes queues', async () => {
    const { handlers } = setup();
    await handlers.upsertQueue(
      { queue: protoQueue({ id: 'b', channels: [Channel.CHANNEL_EMAIL] }), expectedRevision: 0 },
      context,
    );
    await handlers.upsertQueue({ queue: protoQueue({ id: 'a', siteIds: ['krk'] }), expectedRevision: 0 }, context);
    expect((await handlers.getQueue({ queueId: 'a' }, context)).queue?.siteIds).toEqual(['krk']);
    const all = await handlers.listQueues(
      { siteId: '', channel: Channel.CHANNEL_UNSPECIFIED, paging: undefined },
      context,
    );
    expect(all.queues.map((q) => q.id)).toEqual(['a', 'b']);
    const email = await handlers.listQueues({ siteId: '', channel: Channel.CHANNEL_EMAIL, paging: undefined }, context);
    expect(email.queues.map((q) => q.id)).toEqual(['b']);
    const waw = await handlers.listQueues({ siteId: 'waw', channel: 0, paging: undefined }, context);
    expect(waw.queues.map((q) => q.id)).toEqual(['b']);
    await handlers.deleteQueue({ queueId: 'b' }, context);
    await expect(handlers.getQueue({ queueId: 'b' }, context)).rejects.toMatchObject({ status: Status.NOT_FOUND });
    await expect(handlers.deleteQueue({ queueId: 'b' }, context)).rejects.toMatchObject({ status: Status.NOT_FOUND });
  });

  it('refuses to delete a queue with live interactions or one that is an overflow target', async () => {
    const { handlers } = setup();
    await handlers.upsertQueue({ queue: protoQueue({ id: 'q' }), expectedRevision: 0 }, context);
    await handlers.enqueueInteraction({ interaction: protoInteraction({ id: 'i1' }) }, context);
    await expect(handlers.deleteQueue({ queueId: 'q' }, context)).rejects.toMatchObject({
      status: Status.FAILED_PRECONDITION,
      code: 'PARLEY_ROUTING_QUEUE_NOT_EMPTY',
    });
    const overflowing = protoQueue({
      id: 'q2',
      maxWaitMs: 1_000,
      maxWaitAction: {
        action: OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE,
        targetQueueId: 'q3',
        announcementPrompt: '',
      },
    });
    await handlers.upsertQueue({ queue: protoQueue({ id: 'q3' }), expectedRevision: 0 }, context);
    await handlers.upsertQueue({ queue: overflowing, expectedRevision: 0 }, context);
    await expect(handlers.deleteQueue({ queueId: 'q3' }, context)).rejects.toMatchObject({
      status: Status.FAILED_PRECONDITION,
    });
  });

  it('validates skills expressions without saving anything', async () => {
    const { handlers, commits } = setup();
    const ok = await handlers.validateSkillsExpression(
      { expression: 'SKILL.Billing>=5&&(lang=="pl"||tier in ["gold", "vip"])' },
      context,
    );
    expect(ok).toEqual({
      valid: true,
      errors: [],
      referencedSkills: ['billing'],
      referencedAttributes: ['lang', 'tier'],
      normalized: 'skill.billing >= 5 && (lang == "pl" || tier in ["gold", "vip"])',
    });
    const bad = await handlers.validateSkillsExpression({ expression: 'skill.billing >= 5 &&' }, context);
    expect(bad.valid).toBe(false);
    expect(bad.errors).toEqual([{ message: expect.stringMatching(/at 21$/), offset: 21, length: 0 }]);
    expect(commits.count).toBe(0);
  });

  it('snapshots a queue: waiting list in service order with positions and estimates', async () => {
    const { handlers, clock } = setup();
    await handlers.upsertQueue({ queue: protoQueue({ id: 'q' }), expectedRevision: 0 }, context);
    await handlers.upsertAgent({ agent: protoAgent({ id: 'a1', capacities: [] }), expectedRevision: 0 }, context);
    await handlers.enqueueInteraction({ interaction: protoInteraction({ id: 'low' }) }, context);
    clock.now += 1_000;
    await handlers.enqueueInteraction({ interaction: protoInteraction({ id: 'high', priority: 50 }) }, context);
    clock.now += 1_000;
    const snapshot = await handlers.getQueueSnapshot({ queueId: 'q', maxWaiting: 0 }, context);
    expect(snapshot.waiting.map((w) => [w.interaction?.id, w.position?.position, w.waitMs])).toEqual([
      ['high', 1, 1_000],
      ['low', 2, 2_000],
    ]);
    // Nobody logged in: no estimate is possible.
    expect(snapshot.waiting[0]?.position?.estimatedWaitMs).toBe(-1);
    expect(snapshot.stats).toMatchObject({ queueId: 'q', waiting: 2, longestWaitMs: 2_000 });
    await expect(handlers.getQueueSnapshot({ queueId: 'q', maxWaiting: 5_000 }, context)).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
    });
  });

  it('estimates the wait from position, the average handle time and the agents logged in', async () => {
    const { handlers } = setup();
    await handlers.upsertQueue({ queue: protoQueue({ id: 'q' }), expectedRevision: 0 }, context);
    for (const id of ['a1', 'a2']) {
      const chatOnly = [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 1, blocksChannels: [] }];
      await handlers.upsertAgent({ agent: protoAgent({ id, capacities: chatOnly }), expectedRevision: 0 }, context);
      await handlers.loginAgent(
        {
          agentId: id,
          sessionId: id,
          device: AgentDevice.AGENT_DEVICE_BROWSER,
          initialState: AgentState.AGENT_STATE_AVAILABLE,
          initialReasonCode: '',
          takeOver: false,
        },
        context,
      );
    }
    for (const id of ['i1', 'i2', 'i3', 'i4'])
      await handlers.enqueueInteraction({ interaction: protoInteraction({ id }) }, context);
    const { position } = await handlers.getInteractionPosition({ interactionId: 'i4' }, context);
    expect(position).toMatchObject({ position: 2, waiting: 2, estimatedWaitMs: 180_000 });
    const snapshot = await handlers.getQueueSnapshot({ queueId: 'q', maxWaiting: 1 }, context);
    expect(snapshot.waiting).toHaveLength(1);
    expect(snapshot.stats?.agentsByState).toEqual([{ state: AgentState.AGENT_STATE_RESERVED, count: 2 }]);
  });

  it('keeps wrap-up codes and not-ready reasons, protecting platform reasons', async () => {
    const { handlers } = setup();
    await handlers.upsertWrapUpCode(
      { wrapUpCode: { id: 'sale', displayName: 'Sale', category: 'sales', active: true } },
      context,
    );
    await handlers.upsertWrapUpCode(
      { wrapUpCode: { id: 'old', displayName: 'Old', category: '', active: false } },
      context,
    );
    expect(
      (await handlers.listWrapUpCodes({ queueId: '', includeInactive: false }, context)).wrapUpCodes.map((c) => c.id),
    ).toEqual(['sale']);
    expect((await handlers.listWrapUpCodes({ queueId: '', includeInactive: true }, context)).wrapUpCodes).toHaveLength(
      2,
    );
    await expect(handlers.upsertWrapUpCode({ wrapUpCode: undefined }, context)).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
    });
    await expect(
      handlers.upsertNotReadyReason(
        { reason: { code: 'missed', displayName: 'x', system: false, productive: false } },
        context,
      ),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION, code: 'PARLEY_ROUTING_SYSTEM_REASON' });
    await expect(
      handlers.upsertNotReadyReason(
        { reason: { code: 'Lunch Break', displayName: 'x', system: false, productive: false } },
        context,
      ),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT, fieldViolations: [{ field: 'reason.code' }] });
    await handlers.upsertNotReadyReason(
      { reason: { code: 'lunch', displayName: 'Lunch', system: false, productive: false } },
      context,
    );
    const { reasons } = await handlers.listNotReadyReasons({}, context);
    expect(reasons.map((r) => r.code)).toContain('lunch');
    expect(reasons.filter((r) => r.system).map((r) => r.code)).toEqual(
      expect.arrayContaining(['missed', 'forced', 'session_lost']),
    );
  });
});
