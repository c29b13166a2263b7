// Interaction RPCs through a whole life: enqueue, offer, accept or reject, end, wrap-up; and the ways out.
import { describe, expect, it } from 'vitest';
import { Status } from '@parley/kit';
import { AgentDevice, AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import type { Queue } from '@parley/protos/parley/common/v1/queue';
import { CancelReason } from '@parley/protos/parley/routing/v1/routing';
import { context, protoAgent, protoInteraction, protoQueue, setup, t0 } from './harness.js';

async function world(queue: Partial<Queue> = {}) {
  const s = setup();
  await s.handlers.upsertQueue({ queue: protoQueue({ id: 'q', ...queue }), expectedRevision: 0 }, context);
  await s.handlers.upsertQueue({ queue: protoQueue({ id: 'other' }), expectedRevision: 0 }, context);
  for (const id of ['a1', 'a2'])
    await s.handlers.upsertAgent({ agent: protoAgent({ id }), expectedRevision: 0 }, context);
  const login = (agentId: string) =>
    s.handlers.loginAgent(
      {
        agentId,
        sessionId: `s-${agentId}`,
        device: AgentDevice.AGENT_DEVICE_BROWSER,
        initialState: AgentState.AGENT_STATE_AVAILABLE,
        initialReasonCode: '',
        takeOver: false,
      },
      context,
    );
  const enqueue = (id: string, overrides: Parameters<typeof protoInteraction>[0] | object = {}) =>
    s.handlers.enqueueInteraction({ interaction: protoInteraction({ id, ...overrides }) }, context);
  const offerOf = (interactionId: string) => s.engine.interactions.get(interactionId)?.offerId ?? 'none';
  return { ...s, login, enqueue, offerOf };
}

describe('routing rpc › interactions', () => {
  it('enqueues an interaction that waits while nobody is logged in', async () => {
    const { enqueue, commits, published } = await world();
    const before = commits.count;
    const answer = await enqueue('i1', {
      customer: { customerId: 'c1', phoneNumber: '', email: '', chatVisitorId: '', crmRef: '', displayName: 'Ann' },
    });
    expect(commits.count).toBe(before + 1);
    expect(published.map((e) => e.type)).toContain('interaction.queued');
    expect(answer.interaction).toMatchObject({
      id: 'i1',
      state: InteractionState.INTERACTION_STATE_QUEUED,
      channel: Channel.CHANNEL_CHAT,
      queueId: 'q',
      customer: { customerId: 'c1' },
    });
    expect(answer.position).toEqual({
      position: 1,
      waiting: 1,
      estimatedWaitMs: -1,
      enqueuedAt: new Date(t0),
      step: 0,
    });
  });

  it('is idempotent by interaction id, and refuses the same id in another queue', async () => {
    const { enqueue, engine } = await world();
    await enqueue('i1');
    const again = await enqueue('i1');
    expect(again.position?.position).toBe(1);
    expect(engine.interactions.size).toBe(1);
    await expect(enqueue('i1', { queueId: 'other' })).rejects.toMatchObject({
      status: Status.ALREADY_EXISTS,
      code: 'PARLEY_ROUTING_INTERACTION_IN_OTHER_QUEUE',
    });
  });

  it('names every bad field of an enqueue request', async () => {
    const { enqueue, commits } = await world();
    const before = commits.count;
    const error = await enqueue('', {
      channel: Channel.CHANNEL_UNSPECIFIED,
      siteId: '',
      queueId: '',
      priority: 500,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: Status.INVALID_ARGUMENT, code: 'PARLEY_ROUTING_INVALID_ARGUMENT' });
    expect((error as { fieldViolations: { field: string }[] }).fieldViolations.map((v) => v.field)).toEqual([
      'interaction.id',
      'interaction.site_id',
      'interaction.queue_id',
      'interaction.channel',
      'interaction.priority',
    ]);
    expect(commits.count).toBe(before);
  });

  it('answers NOT_FOUND for an unknown queue and INVALID_ARGUMENT for a channel the queue does not serve', async () => {
    const { enqueue } = await world();
    await expect(enqueue('i1', { queueId: 'nope' })).rejects.toMatchObject({
      status: Status.NOT_FOUND,
      code: 'PARLEY_ROUTING_QUEUE_NOT_FOUND',
    });
    await expect(enqueue('i1', { channel: Channel.CHANNEL_EMAIL })).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      code: 'PARLEY_ROUTING_CHANNEL_NOT_SERVED',
      fieldViolations: [{ field: 'interaction.channel' }],
    });
  });

  it('offers, accepts, ends and completes wrap-up, committing once per change', async () => {
    const { handlers, login, enqueue, offerOf, commits, clock, published } = await world({
      wrapUp: { timeoutMs: 30_000, codeRequired: false, wrapUpCodeIds: [], autoAvailable: true },
    });
    await login('a1');
    const enqueued = await enqueue('i1');
    expect(enqueued.interaction).toMatchObject({ state: InteractionState.INTERACTION_STATE_OFFERED, agentId: 'a1' });
    expect(enqueued.position?.position).toBe(0);
    const offerId = offerOf('i1');

    await expect(handlers.acceptOffer({ offerId, agentId: 'a2' }, context)).rejects.toMatchObject({
      status: Status.PERMISSION_DENIED,
      code: 'PARLEY_ROUTING_NOT_YOUR_OFFER',
    });
    let before = commits.count;
    clock.now += 2_000;
    const accepted = await handlers.acceptOffer({ offerId, agentId: 'a1' }, context);
    expect(commits.count).toBe(before + 1);
    expect(accepted.interaction?.state).toBe(InteractionState.INTERACTION_STATE_CONNECTED);
    expect(accepted.interaction?.timestamps?.connectedAt).toEqual(new Date(t0 + 2_000));
    await expect(handlers.acceptOffer({ offerId, agentId: 'a1' }, context)).rejects.toMatchObject({
      status: Status.NOT_FOUND,
    });
    const { agent } = await handlers.getAgent({ agentId: 'a1' }, context);
    expect(agent?.status).toMatchObject({ state: AgentState.AGENT_STATE_BUSY, interactionIds: ['i1'], offerIds: [] });

    clock.now += 60_000;
    before = commits.count;
    const ended = await handlers.endInteraction({ interactionId: 'i1', actor: undefined }, context);
    expect(commits.count).toBe(before + 1);
    expect(ended.interaction?.state).toBe(InteractionState.INTERACTION_STATE_WRAP_UP);
    expect(ended.wrapUpDeadline).toEqual(new Date(clock.now + 30_000));
    const endedAgain = await handlers.endInteraction({ interactionId: 'i1', actor: undefined }, context);
    expect(endedAgain.wrapUpDeadline).toEqual(ended.wrapUpDeadline);

    await expect(
      handlers.completeWrapUp({ interactionId: 'i1', agentId: 'a2', wrapUpCodeId: '', comment: '' }, context),
    ).rejects.toMatchObject({ status: Status.PERMISSION_DENIED });
    before = commits.count;
    const done = await handlers.completeWrapUp(
      { interactionId: 'i1', agentId: 'a1', wrapUpCodeId: '', comment: '' },
      context,
    );
    expect(commits.count).toBe(before + 1);
    expect(done.interaction?.state).toBe(InteractionState.INTERACTION_STATE_COMPLETED);
    expect(done.agentStatus?.state).toBe(AgentState.AGENT_STATE_AVAILABLE);
    // A retry gets the same answer and changes nothing.
    const retry = await handlers.completeWrapUp(
      { interactionId: 'i1', agentId: 'a1', wrapUpCodeId: '', comment: '' },
      context,
    );
    expect(retry.interaction?.state).toBe(InteractionState.INTERACTION_STATE_COMPLETED);
    expect(published.map((e) => e.type)).toContain('interaction.completed');
  });

  it('ends straight to COMPLETED when the queue has no wrap-up', async () => {
    const { handlers, login, enqueue, offerOf } = await world();
    await login('a1');
    await enqueue('i1');
    await handlers.acceptOffer({ offerId: offerOf('i1'), agentId: 'a1' }, context);
    const ended = await handlers.endInteraction({ interactionId: 'i1', actor: undefined }, context);
    expect(ended.interaction?.state).toBe(InteractionState.INTERACTION_STATE_COMPLETED);
    expect(ended.wrapUpDeadline).toBeUndefined();
  });

  it('refuses illegal transitions with FAILED_PRECONDITION', async () => {
    const { handlers, login, enqueue, offerOf } = await world();
    await enqueue('i1');
    await expect(handlers.endInteraction({ interactionId: 'i1', actor: undefined }, context)).rejects.toMatchObject({
      status: Status.FAILED_PRECONDITION,
    });
    await expect(
      handlers.completeWrapUp({ interactionId: 'i1', agentId: 'a1', wrapUpCodeId: '', comment: '' }, context),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION, code: 'PARLEY_ROUTING_NOT_IN_WRAP_UP' });
    await login('a1');
    await handlers.acceptOffer({ offerId: offerOf('i1'), agentId: 'a1' }, context);
    await expect(
      handlers.cancelInteraction(
        { interactionId: 'i1', reason: CancelReason.CANCEL_REASON_CUSTOMER_LEFT, actor: undefined },
        context,
      ),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION });
    await expect(handlers.endInteraction({ interactionId: 'ghost', actor: undefined }, context)).rejects.toMatchObject({
      status: Status.NOT_FOUND,
      code: 'PARLEY_ROUTING_INTERACTION_NOT_FOUND',
    });
  });

  it('rejects an offer: the interaction goes to the next agent and the rejecting agent is reported', async () => {
    const { handlers, login, enqueue, offerOf, engine } = await world();
    await login('a1');
    await enqueue('i1');
    await login('a2');
    const first = offerOf('i1');
    await expect(handlers.rejectOffer({ offerId: first, agentId: 'a2', reason: '' }, context)).rejects.toMatchObject({
      status: Status.PERMISSION_DENIED,
    });
    const { agentStatus } = await handlers.rejectOffer({ offerId: first, agentId: 'a1', reason: 'busy' }, context);
    expect(agentStatus?.consecutiveMissedOffers).toBe(1);
    expect(engine.interactions.get('i1')?.agentId).toBe('a2');
  });

  it('requires a wrap-up code when the queue does, and pauses the agent when it is not auto-available', async () => {
    const { handlers, login, enqueue, offerOf } = await world({
      wrapUp: { timeoutMs: 30_000, codeRequired: true, wrapUpCodeIds: [], autoAvailable: false },
    });
    await handlers.upsertWrapUpCode(
      { wrapUpCode: { id: 'sale', displayName: 'Sale', category: '', active: true } },
      context,
    );
    await login('a1');
    await enqueue('i1');
    await handlers.acceptOffer({ offerId: offerOf('i1'), agentId: 'a1' }, context);
    await handlers.endInteraction({ interactionId: 'i1', actor: undefined }, context);
    const complete = (wrapUpCodeId: string) =>
      handlers.completeWrapUp({ interactionId: 'i1', agentId: 'a1', wrapUpCodeId, comment: '' }, context);
    await expect(complete('')).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      code: 'PARLEY_ROUTING_WRAP_UP_CODE_REQUIRED',
      fieldViolations: [{ field: 'wrap_up_code_id' }],
    });
    await expect(complete('nope')).rejects.toMatchObject({ status: Status.NOT_FOUND });
    const done = await complete('sale');
    expect(done.agentStatus?.state).toBe(AgentState.AGENT_STATE_NOT_READY);
    expect(done.agentStatus?.notReadyReason?.code).toBe('after_call_work');
  });

  it('cancels a waiting interaction as ABANDONED (or COMPLETED for a flow), and a repeat is a no-op', async () => {
    const { handlers, enqueue, commits } = await world();
    await enqueue('i1');
    await enqueue('i2');
    const cancel = (interactionId: string, reason: CancelReason) =>
      handlers.cancelInteraction({ interactionId, reason, actor: undefined }, context);
    const abandoned = await cancel('i1', CancelReason.CANCEL_REASON_UNSPECIFIED);
    expect(abandoned.interaction?.state).toBe(InteractionState.INTERACTION_STATE_ABANDONED);
    expect(abandoned.interaction?.timestamps?.endedAt).toEqual(new Date(t0));
    const before = commits.count;
    expect((await cancel('i1', CancelReason.CANCEL_REASON_UNSPECIFIED)).interaction?.state).toBe(
      InteractionState.INTERACTION_STATE_ABANDONED,
    );
    expect(commits.count).toBe(before);
    expect((await cancel('i2', CancelReason.CANCEL_REASON_FLOW)).interaction?.state).toBe(
      InteractionState.INTERACTION_STATE_COMPLETED,
    );
    await expect(cancel('ghost', CancelReason.CANCEL_REASON_FLOW)).rejects.toMatchObject({ status: Status.NOT_FOUND });
    await expect(enqueue('i1')).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION });
  });

  it('converts a waiting call into a callback that keeps its place', async () => {
    const { handlers, enqueue, clock } = await world({ channels: [Channel.CHANNEL_VOICE] });
    await enqueue('call', { channel: Channel.CHANNEL_VOICE });
    clock.now += 10_000;
    await expect(
      handlers.convertToCallback({ interactionId: 'call', phoneNumber: '0048 123', notBefore: undefined }, context),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT, fieldViolations: [{ field: 'phone_number' }] });
    const answer = await handlers.convertToCallback(
      { interactionId: 'call', phoneNumber: '+48221234567', notBefore: undefined },
      context,
    );
    expect(answer.interaction).toMatchObject({
      channel: Channel.CHANNEL_CALLBACK,
      customer: { phoneNumber: '+48221234567' },
    });
    expect(answer.position).toMatchObject({ position: 1, enqueuedAt: new Date(t0) });
    await expect(
      handlers.convertToCallback({ interactionId: 'call', phoneNumber: '', notBefore: undefined }, context),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION, code: 'PARLEY_ROUTING_NOT_WAITING' });
  });

  it('transfers to a queue or to one agent, and refuses an external number', async () => {
    const { handlers, enqueue, engine } = await world();
    await enqueue('i1', { priority: 90 });
    const moved = await handlers.transferInteraction(
      { interactionId: 'i1', target: { queueId: 'other' }, priorityBoost: 50, fromAgentId: '', actor: undefined },
      context,
    );
    expect(moved.interaction).toMatchObject({
      queueId: 'other',
      priority: 100,
      state: InteractionState.INTERACTION_STATE_QUEUED,
    });
    expect(engine.interactions.get('i1')?.queue.id).toBe('other');
    const directed = await handlers.transferInteraction(
      { interactionId: 'i1', target: { agentId: 'a1' }, priorityBoost: 0, fromAgentId: '', actor: undefined },
      context,
    );
    expect(directed.interaction?.id).toBe('i1');
    expect(engine.interactions.get('i1')?.preferredAgentId).toBe('a1');
    await expect(
      handlers.transferInteraction(
        {
          interactionId: 'i1',
          target: { phoneNumber: '+48221234567' },
          priorityBoost: 0,
          fromAgentId: '',
          actor: undefined,
        },
        context,
      ),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT, fieldViolations: [{ field: 'target.phone_number' }] });
    await expect(
      handlers.transferInteraction(
        { interactionId: 'i1', target: { queueId: 'nope' }, priorityBoost: 0, fromAgentId: 'a9', actor: undefined },
        context,
      ),
    ).rejects.toMatchObject({ status: Status.PERMISSION_DENIED });
  });

  it('updates attributes that do not change routing, and refuses those that would', async () => {
    const { handlers, enqueue } = await world({ skillsExpression: 'lang == "pl" || skill.english >= 1' });
    await enqueue('i1', { attributes: { lang: 'pl' } });
    const updated = await handlers.updateInteractionAttributes(
      { interactionId: 'i1', set: { crm: '42' }, remove: [], actor: undefined },
      context,
    );
    expect(updated.interaction?.attributes).toEqual({ lang: 'pl', crm: '42' });
    await expect(
      handlers.updateInteractionAttributes(
        { interactionId: 'i1', set: {}, remove: ['lang'], actor: undefined },
        context,
      ),
    ).rejects.toMatchObject({ status: Status.UNIMPLEMENTED });
    await expect(handlers.getInteractionPosition({ interactionId: 'ghost' }, context)).rejects.toMatchObject({
      status: Status.NOT_FOUND,
    });
  });
});
