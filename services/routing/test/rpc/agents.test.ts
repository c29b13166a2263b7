// Agent RPCs against a real engine: configuration with revisions, sessions, states and snapshots.
import { describe, expect, it } from 'vitest';
import { Status } from '@parley/kit';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentDevice, AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { RoutingCatalog } from '../../src/rpc/catalog.js';
import { context, protoAgent, protoInteraction, protoQueue, setup } from './harness.js';

async function loggedIn(id = 'a1') {
  const s = setup();
  await s.handlers.upsertAgent({ agent: protoAgent({ id }), expectedRevision: 0 }, context);
  await s.handlers.loginAgent(
    {
      agentId: id,
      sessionId: 's1',
      device: AgentDevice.AGENT_DEVICE_BROWSER,
      initialState: AgentState.AGENT_STATE_AVAILABLE,
      initialReasonCode: '',
      takeOver: false,
    },
    context,
  );
  return s;
}

const login = (agentId: string, sessionId = 's1', initialState = AgentState.AGENT_STATE_AVAILABLE) => ({
  agentId,
  sessionId,
  device: AgentDevice.AGENT_DEVICE_BROWSER,
  initialState,
  initialReasonCode: '',
  takeOver: false,
});

describe('routing rpc › agents', () => {
  it('upserts an agent into the engine with skills, capacities and the voice-exclusive rule', async () => {
    const { handlers, engine, commits } = setup();
    const agent = protoAgent({ id: 'a1', skills: [{ name: 'Billing', level: 7 }], teamIds: ['t1'] });
    const { agent: stored } = await handlers.upsertAgent({ agent, expectedRevision: 0 }, context);
    expect(commits.count).toBe(1);
    expect(stored?.revision).toBe(1);
    expect(stored?.status?.state).toBe(AgentState.AGENT_STATE_OFFLINE);
    const profile = engine.agents.get('a1')?.profile;
    expect(profile?.skills.get('billing')).toBe(7);
    expect(profile?.capacity).toEqual({ voice: 1, callback: 1, chat: 3 });
    expect(profile?.voiceIsExclusive).toBe(true);
    expect(profile?.teamIds).toEqual(['t1']);
  });

  it('bumps the revision and refuses a stale expected_revision with ABORTED', async () => {
    const { handlers, commits } = setup();
    await handlers.upsertAgent({ agent: protoAgent({ id: 'a1' }), expectedRevision: 0 }, context);
    const second = await handlers.upsertAgent({ agent: protoAgent({ id: 'a1' }), expectedRevision: 1 }, context);
    expect(second.agent?.revision).toBe(2);
    await expect(
      handlers.upsertAgent({ agent: protoAgent({ id: 'a1' }), expectedRevision: 1 }, context),
    ).rejects.toMatchObject({ status: Status.ABORTED, code: 'PARLEY_ROUTING_REVISION_MISMATCH' });
    expect(commits.count).toBe(2);
  });

  it('names every bad field of an agent', async () => {
    const { handlers, commits } = setup();
    const agent = protoAgent({
      id: '',
      siteId: 'x'.repeat(129),
      skills: [
        { name: 'billing', level: 11 },
        { name: 'billing', level: 0 },
      ],
      capacities: [
        { channel: Channel.CHANNEL_CALLBACK, maxConcurrent: 1, blocksChannels: [] },
        { channel: Channel.CHANNEL_CHAT, maxConcurrent: -1, blocksChannels: [] },
      ],
    });
    const error = await handlers.upsertAgent({ agent, expectedRevision: 0 }, context).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: Status.INVALID_ARGUMENT, code: 'PARLEY_ROUTING_INVALID_ARGUMENT' });
    const fields = (error as { fieldViolations: { field: string }[] }).fieldViolations.map((v) => v.field);
    expect(fields).toEqual([
      'agent.id',
      'agent.site_id',
      'agent.skills[0].level',
      'agent.skills[1].name',
      'agent.skills[1].level',
      'agent.capacities[0].channel',
      'agent.capacities[1].max_concurrent',
    ]);
    expect(commits.count).toBe(0);
  });

  it('refuses an unknown site once routing knows its sites', async () => {
    const { handlers } = setup(new RoutingCatalog([{ id: 'waw', displayName: 'Warsaw', timeZone: 'Europe/Warsaw' }]));
    await expect(
      handlers.upsertAgent({ agent: protoAgent({ id: 'a1', siteId: 'krk' }), expectedRevision: 0 }, context),
    ).rejects.toMatchObject({ status: Status.NOT_FOUND, code: 'PARLEY_ROUTING_SITE_NOT_FOUND' });
    expect((await handlers.listSites({}, context)).sites.map((s) => s.id)).toEqual(['waw']);
  });

  it('answers NOT_FOUND for an unknown agent', async () => {
    const { handlers } = setup();
    await expect(handlers.getAgent({ agentId: 'nobody' }, context)).rejects.toMatchObject({
      status: Status.NOT_FOUND,
      code: 'PARLEY_ROUTING_AGENT_NOT_FOUND',
    });
    await expect(handlers.loginAgent(login('nobody'), context)).rejects.toMatchObject({ status: Status.NOT_FOUND });
  });

  it('logs an agent in as available, and a repeat with the same session is a no-op', async () => {
    const { handlers, commits } = setup();
    await handlers.upsertAgent({ agent: protoAgent({ id: 'a1' }), expectedRevision: 0 }, context);
    const { status } = await handlers.loginAgent(login('a1'), context);
    expect(status).toMatchObject({ state: AgentState.AGENT_STATE_AVAILABLE, sessionId: 's1' });
    expect(commits.count).toBe(2);
    await handlers.loginAgent(login('a1'), context);
    expect(commits.count).toBe(2);
    const { agent } = await handlers.getAgent({ agentId: 'a1' }, context);
    expect(agent?.status?.device).toBe(AgentDevice.AGENT_DEVICE_BROWSER);
  });

  it('refuses a second session without take_over, and takes over with it', async () => {
    const { handlers } = await loggedIn();
    await expect(handlers.loginAgent(login('a1', 's2'), context)).rejects.toMatchObject({
      status: Status.FAILED_PRECONDITION,
      code: 'PARLEY_ROUTING_AGENT_ALREADY_LOGGED_IN',
    });
    const { status } = await handlers.loginAgent({ ...login('a1', 's2'), takeOver: true }, context);
    expect(status?.sessionId).toBe('s2');
  });

  it('logs in not ready with reason "login" when no initial state is given', async () => {
    const { handlers } = setup();
    await handlers.upsertAgent({ agent: protoAgent({ id: 'a1' }), expectedRevision: 0 }, context);
    const { status } = await handlers.loginAgent(login('a1', 's1', AgentState.AGENT_STATE_UNSPECIFIED), context);
    expect(status?.state).toBe(AgentState.AGENT_STATE_NOT_READY);
    expect(status?.notReadyReason?.code).toBe('login');
    await expect(
      handlers.loginAgent({ ...login('a1', 's1', AgentState.AGENT_STATE_BUSY) }, context),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT });
  });

  it('sets not ready with a configured reason, and back to available', async () => {
    const { handlers, commits } = await loggedIn();
    await handlers.upsertNotReadyReason(
      { reason: { code: 'lunch', displayName: 'Lunch', system: true, productive: false } },
      context,
    );
    const before = commits.count;
    const paused = await handlers.setAgentState(
      { agentId: 'a1', state: AgentState.AGENT_STATE_NOT_READY, notReadyReasonCode: 'lunch', actor: undefined },
      context,
    );
    expect(paused.status?.notReadyReason).toMatchObject({ code: 'lunch', system: false });
    expect(paused.pending).toBe(false);
    const back = await handlers.setAgentState(
      { agentId: 'a1', state: AgentState.AGENT_STATE_AVAILABLE, notReadyReasonCode: '', actor: undefined },
      context,
    );
    expect(back.status?.state).toBe(AgentState.AGENT_STATE_AVAILABLE);
    expect(commits.count).toBe(before + 2);
  });

  it('rejects bad state changes with the right status', async () => {
    const { handlers } = await loggedIn();
    const set = (state: AgentState, code: string, kind = ActorKind.ACTOR_KIND_AGENT) =>
      handlers.setAgentState(
        { agentId: 'a1', state, notReadyReasonCode: code, actor: { kind, id: 'a1', displayName: '' } },
        context,
      );
    await expect(set(AgentState.AGENT_STATE_BUSY, '')).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT });
    await expect(set(AgentState.AGENT_STATE_NOT_READY, '')).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [{ field: 'not_ready_reason_code' }],
    });
    await expect(set(AgentState.AGENT_STATE_NOT_READY, 'nap')).rejects.toMatchObject({ status: Status.NOT_FOUND });
    await expect(set(AgentState.AGENT_STATE_NOT_READY, 'missed')).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
    });
    // A supervisor may force not ready without a reason: "forced".
    const forced = await set(AgentState.AGENT_STATE_NOT_READY, '', ActorKind.ACTOR_KIND_SUPERVISOR);
    expect(forced.status?.notReadyReason?.code).toBe('forced');
    await handlers.logoutAgent({ agentId: 'a1', force: false, actor: undefined }, context);
    await expect(set(AgentState.AGENT_STATE_AVAILABLE, '')).rejects.toMatchObject({
      status: Status.FAILED_PRECONDITION,
      code: 'PARLEY_ROUTING_AGENT_NOT_LOGGED_IN',
    });
  });

  it('pauses an agent after its own count of missed offers in a row (default 3, 0 = never)', async () => {
    const missAll = async (missedOffersBeforePause: number | undefined, offers: number) => {
      const s = setup();
      const agent = protoAgent({ id: 'a1' });
      if (missedOffersBeforePause !== undefined) agent.missedOffersBeforePause = missedOffersBeforePause;
      await s.handlers.upsertAgent({ agent, expectedRevision: 0 }, context);
      await s.handlers.loginAgent(login('a1'), context);
      await s.handlers.upsertQueue({ queue: protoQueue({ id: 'q' }), expectedRevision: 0 }, context);
      for (let i = 0; i < offers; i++) {
        await s.handlers.enqueueInteraction({ interaction: protoInteraction({ id: `i${i}` }) }, context);
        const offer = [...s.engine.offers.values()].find((o) => o.agent.id === 'a1');
        if (!offer) break;
        await s.handlers.rejectOffer({ offerId: offer.id, agentId: 'a1', reason: 'busy' }, context);
      }
      return s.engine.agents.get('a1');
    };
    expect((await missAll(undefined, 3))?.presenceReason).toBe('missed');
    const one = await missAll(1, 1);
    expect([one?.presence, one?.presenceReason]).toEqual(['not_ready', 'missed']);
    const never = await missAll(0, 5);
    expect([never?.presence, never?.missedInRow]).toEqual(['available', 5]);
    const s = setup();
    await expect(
      s.handlers.upsertAgent(
        { agent: protoAgent({ id: 'a1', missedOffersBeforePause: -1 }), expectedRevision: 0 },
        context,
      ),
    ).rejects.toMatchObject({ fieldViolations: [{ field: 'agent.missed_offers_before_pause' }] });
  });

  it('logs out: refuses while connected unless forced, and puts pending offers back in line', async () => {
    const { handlers, engine } = await loggedIn();
    await handlers.upsertQueue({ queue: protoQueue({ id: 'q' }), expectedRevision: 0 }, context);
    await handlers.enqueueInteraction({ interaction: protoInteraction({ id: 'i1' }) }, context);
    const [offer] = engine.offers.values();
    await handlers.acceptOffer({ offerId: offer!.id, agentId: 'a1' }, context);
    await handlers.enqueueInteraction({ interaction: protoInteraction({ id: 'i2' }) }, context);
    expect(engine.interactions.get('i2')?.phase).toBe('offered');
    await expect(
      handlers.logoutAgent({ agentId: 'a1', force: false, actor: undefined }, context),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION, code: 'PARLEY_ROUTING_AGENT_HAS_INTERACTIONS' });
    const { status } = await handlers.logoutAgent({ agentId: 'a1', force: true, actor: undefined }, context);
    expect(status?.sessionId).toBe('');
    expect(engine.interactions.get('i2')?.phase).toBe('waiting');
    expect(engine.agents.get('a1')?.presence).toBe('offline');
  });

  it('lists agents filtered by state, with paging', async () => {
    const { handlers } = await loggedIn('a1');
    for (const id of ['a2', 'a3'])
      await handlers.upsertAgent({ agent: protoAgent({ id }), expectedRevision: 0 }, context);
    const offline = await handlers.listAgents(
      { siteId: '', teamId: '', states: [AgentState.AGENT_STATE_OFFLINE], paging: undefined },
      context,
    );
    expect(offline.agents.map((a) => a.id)).toEqual(['a2', 'a3']);
    const first = await handlers.listAgents(
      { siteId: 'waw', teamId: '', states: [], paging: { pageSize: 2, pageToken: '' } },
      context,
    );
    expect(first.agents.map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(first.pageInfo).toEqual({ nextPageToken: '2', totalSize: 3 });
    const second = await handlers.listAgents(
      { siteId: '', teamId: '', states: [], paging: { pageSize: 2, pageToken: '2' } },
      context,
    );
    expect(second.agents.map((a) => a.id)).toEqual(['a3']);
    await expect(
      handlers.listAgents({ siteId: '', teamId: '', states: [], paging: { pageSize: 5000, pageToken: 'x' } }, context),
    ).rejects.toMatchObject({ fieldViolations: [{ field: 'paging.page_size' }, { field: 'paging.page_token' }] });
  });

  it('deletes only an offline agent', async () => {
    const { handlers } = await loggedIn();
    await expect(handlers.deleteAgent({ agentId: 'a1' }, context)).rejects.toMatchObject({
      status: Status.FAILED_PRECONDITION,
      code: 'PARLEY_ROUTING_AGENT_LOGGED_IN',
    });
    await handlers.logoutAgent({ agentId: 'a1', force: false, actor: undefined }, context);
    await handlers.deleteAgent({ agentId: 'a1' }, context);
    await expect(handlers.getAgent({ agentId: 'a1' }, context)).rejects.toMatchObject({ status: Status.NOT_FOUND });
    await expect(handlers.deleteAgent({ agentId: 'a1' }, context)).rejects.toMatchObject({ status: Status.NOT_FOUND });
  });

  it('takes an agent snapshot of a queue pool, counted by state', async () => {
    const { handlers, clock } = await loggedIn('a1');
    await handlers.upsertAgent(
      { agent: protoAgent({ id: 'a2', skills: [{ name: 'billing', level: 5 }] }), expectedRevision: 0 },
      context,
    );
    await handlers.upsertAgent(
      { agent: protoAgent({ id: 'a3', skills: [{ name: 'billing', level: 9 }] }), expectedRevision: 0 },
      context,
    );
    await handlers.upsertQueue(
      { queue: protoQueue({ id: 'billing', skillsExpression: 'skill.billing >= 5' }), expectedRevision: 0 },
      context,
    );
    clock.now += 5_000;
    const snapshot = await handlers.getAgentSnapshot({ siteId: '', teamId: '', queueId: 'billing' }, context);
    expect(snapshot.agents.map((a) => a.agentId)).toEqual(['a2', 'a3']);
    expect(snapshot.byState).toEqual([{ state: AgentState.AGENT_STATE_OFFLINE, count: 2 }]);
    const site = await handlers.getAgentSnapshot({ siteId: 'waw', teamId: '', queueId: '' }, context);
    expect(site.agents.find((a) => a.agentId === 'a1')?.timeInStateMs).toBe(5_000);
    await expect(handlers.getAgentSnapshot({ siteId: '', teamId: '', queueId: '' }, context)).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
    });
    await expect(handlers.getAgentSnapshot({ siteId: '', teamId: '', queueId: 'nope' }, context)).rejects.toMatchObject(
      {
        status: Status.NOT_FOUND,
      },
    );
  });
});
