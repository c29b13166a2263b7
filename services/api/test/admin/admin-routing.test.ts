// The admin REST over routing, every part real (the shared API stack: routing, NATS, the embedded OpenID provider
// for the admin's token, an audit stream of the test's own that every change is read back from). Queues and agents
// go through create / read / list / replace / delete; wrap-up codes, not-ready reasons and sites are listed and set;
// bad bodies are 400s naming the field (Fastify's schema or routing's own checks); unknown ids 404; refusals 409.
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { OverflowAction, RoutingStrategy } from '@parley/protos/parley/common/v1/queue';
import { LoginAgentRequest } from '@parley/protos/parley/routing/v1/routing';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminAnswer, type AdminCall } from '../support/admin-client.js';
import { SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { auditRecords } from '../support/audit-records.js';

let stack: ApiStack;
let call: AdminCall;

beforeAll(async () => {
  stack = await startApiStack({ queues: [], agents: [] });
  call = await adminClient(stack.api);
}, 60_000);

afterAll(() => stack?.stop());

const recordsFor = async (target: string) =>
  (await auditRecords(stack.nc, stack.audit)).filter((record) => record.target === target);

const adminActor = { username: 'admin', subject: 'admin', roles: ['admin'], site: SITE };

describe('admin queues', () => {
  it('creates, reads, lists, replaces and deletes a queue, with enums as words, each change audited', async () => {
    const settings = {
      displayName: 'Billing',
      channels: ['voice', 'chat'],
      siteIds: [SITE],
      skillsExpression: 'skill.billing >= 5',
      priority: 10,
      serviceLevel: { percent: 80, thresholdMs: 20_000 },
      strategy: 'most_skilled',
      steps: [{ afterWaitMs: 30_000, skillLevelRelaxation: 2 }],
      maxWaitMs: 600_000,
      maxWaitAction: { action: 'voicemail' },
      businessHours: {
        timeZone: 'Europe/Warsaw',
        weekly: [{ day: 'monday', open: '08:00', close: '17:00' }],
        whenClosed: { action: 'voicemail', announcementPrompt: 'closed' },
      },
      wrapUp: { timeoutMs: 30_000, autoAvailable: true },
      offerTimeouts: [{ channel: 'voice', timeoutMs: 20_000 }],
      announcements: { announcePosition: true, intervalMs: 60_000 },
    };
    const created = await call('PUT', '/queues/billing', settings);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: 'billing', ...settings, revision: 1 });
    expect(created.body.steps[0]).toMatchObject({ afterWaitMs: 30_000, skillLevelRelaxation: 2, allSites: false });
    expect(Date.parse(created.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);

    // Routing holds the proto's enums, not the words.
    const stored = (await stack.routingClient.getQueue({ queueId: 'billing' })).queue!;
    expect(stored.channels).toEqual([Channel.CHANNEL_VOICE, Channel.CHANNEL_CHAT]);
    expect(stored.strategy).toBe(RoutingStrategy.ROUTING_STRATEGY_MOST_SKILLED);
    expect(stored.businessHours?.whenClosed?.action).toBe(OverflowAction.OVERFLOW_ACTION_VOICEMAIL);

    expect(await call('GET', '/queues/billing')).toMatchObject({ status: 200, body: created.body });
    const listed = await call('GET', `/queues?siteId=${SITE}&channel=chat`);
    expect(listed.status).toBe(200);
    expect(listed.body.queues.map((queue: { id: string }) => queue.id)).toContain('billing');
    expect(listed.body.nextPageToken).toBe('');
    expect((await call('GET', '/queues?channel=email')).body.queues).toEqual([]);

    // A replacement: what is left out takes its default.
    const replaced = await call('PUT', '/queues/billing', {
      displayName: 'Billing (PL)',
      channels: ['voice'],
      expectedRevision: 1,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      displayName: 'Billing (PL)',
      channels: ['voice'],
      strategy: 'longest_idle',
      revision: 2,
    });
    expect(replaced.body.businessHours).toBeUndefined();
    const stale = await call('PUT', '/queues/billing', {
      displayName: 'Stale',
      channels: ['voice'],
      expectedRevision: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.contentType).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({ status: 409, title: 'Conflict' });

    expect((await call('DELETE', '/queues/billing')).status).toBe(204);
    const gone = await call('GET', '/queues/billing');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, type: 'https://parley.dev/problems/not-found' });
    expect(gone.body.detail).toContain('billing');

    const records = await recordsFor('queue/billing');
    expect(records.map((record) => [record.action, record.outcome])).toEqual([
      ['queue.upsert', 'ok'],
      ['queue.upsert', 'ok'],
      ['queue.upsert', 'failed'],
      ['queue.delete', 'ok'],
    ]);
    expect(records[0]).toMatchObject({
      action: 'queue.upsert',
      target: 'queue/billing',
      outcome: 'ok',
      detail: 'revision 1',
      site: SITE,
      actor: adminActor,
      from: { address: '127.0.0.1' },
    });
    expect(records[2]!.detail).toMatch(/revision/);
  });

  it('answers 404 for unknown queues, audits the refused delete, and 409 for a queue another overflows to', async () => {
    expect((await call('GET', '/queues/nowhere')).status).toBe(404);
    const missing = await call('DELETE', '/queues/nowhere');
    expect(missing.status).toBe(404);
    expect(await recordsFor('queue/nowhere')).toEqual([
      expect.objectContaining({
        action: 'queue.delete',
        outcome: 'failed',
        detail: missing.body.detail,
        actor: adminActor,
      }),
    ]);

    expect((await call('PUT', '/queues/overflow', { displayName: 'Overflow', channels: ['voice'] })).status).toBe(200);
    const feeding = await call('PUT', '/queues/front', {
      displayName: 'Front',
      channels: ['voice'],
      maxWaitMs: 60_000,
      maxWaitAction: { action: 'transfer_to_queue', targetQueueId: 'overflow' },
    });
    expect(feeding.body.maxWaitAction).toEqual({
      action: 'transfer_to_queue',
      targetQueueId: 'overflow',
      announcementPrompt: '',
    });
    const refused = await call('DELETE', '/queues/overflow');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('front');
    const ghostTarget = await call('PUT', '/queues/front', {
      displayName: 'Front',
      channels: ['voice'],
      maxWaitAction: { action: 'transfer_to_queue', targetQueueId: 'ghost' },
    });
    expect(ghostTarget.status).toBe(404);
  });
});

describe('admin agents', () => {
  it('creates, reads, lists, replaces and deletes an agent with skills, capacity per channel and site', async () => {
    const settings = {
      displayName: 'Bob Builder',
      siteId: SITE,
      teamIds: ['billing-team'],
      skills: [{ name: 'billing', level: 7 }],
      capacities: [
        { channel: 'voice', maxConcurrent: 1, blocksChannels: ['chat', 'email'] },
        { channel: 'chat', maxConcurrent: 3 },
      ],
      missedOffersBeforePause: 2,
    };
    const created = await call('PUT', '/agents/bob', settings);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: 'bob',
      ...settings,
      capacities: [settings.capacities[0], { ...settings.capacities[1], blocksChannels: [] }],
      status: { state: 'offline', device: 'browser', interactionIds: [] },
      revision: 1,
    });
    const stored = (await stack.routingClient.getAgent({ agentId: 'bob' })).agent!;
    expect(stored.capacities[0]).toEqual({
      channel: Channel.CHANNEL_VOICE,
      maxConcurrent: 1,
      blocksChannels: [Channel.CHANNEL_CHAT, Channel.CHANNEL_EMAIL],
    });

    expect(await call('GET', '/agents/bob')).toMatchObject({ status: 200, body: created.body });
    const ids = (answer: AdminAnswer) => answer.body.agents.map((agent: { id: string }) => agent.id);
    expect(ids(await call('GET', `/agents?siteId=${SITE}&teamId=billing-team&state=offline`))).toEqual(['bob']);
    expect(ids(await call('GET', '/agents?state=available&state=busy'))).toEqual([]);

    const replaced = await call('PUT', '/agents/bob', {
      displayName: 'Bob',
      siteId: SITE,
      skills: [{ name: 'billing', level: 9 }],
    });
    expect(replaced.body).toMatchObject({
      skills: [{ name: 'billing', level: 9 }],
      capacities: [],
      teamIds: [],
      revision: 2,
    });

    // Logged in, the agent cannot be deleted; logged out, they can.
    await stack.routingClient.loginAgent(
      LoginAgentRequest.fromPartial({
        agentId: 'bob',
        sessionId: ulid(),
        initialState: AgentState.AGENT_STATE_AVAILABLE,
      }),
    );
    expect((await call('GET', '/agents/bob')).body.status.state).toBe('available');
    const refused = await call('DELETE', '/agents/bob');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('logged in');
    await stack.routingClient.logoutAgent({ agentId: 'bob', force: true });
    expect((await call('DELETE', '/agents/bob')).status).toBe(204);
    expect((await call('GET', '/agents/bob')).status).toBe(404);

    const records = await recordsFor('agent/bob');
    expect(records.map((record) => [record.action, record.outcome])).toEqual([
      ['agent.upsert', 'ok'],
      ['agent.upsert', 'ok'],
      ['agent.delete', 'failed'],
      ['agent.delete', 'ok'],
    ]);
    expect(records[2]).toMatchObject({
      detail: refused.body.detail,
      actor: adminActor,
      from: { address: '127.0.0.1' },
    });
  });

  it('refuses bad bodies with 400 problem documents naming the field, from the schema or from routing', async () => {
    const agent = { displayName: 'Carol', siteId: SITE, capacities: [{ channel: 'voice', maxConcurrent: 1 }] };
    const expectField = async (path: string, body: unknown, field: string) => {
      const answer = await call('PUT', path, body);
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(answer.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      return answer;
    };
    await expectField(
      '/agents/carol',
      { ...agent, capacities: [{ channel: 'voice', maxConcurrent: -1 }] },
      '/body/capacities/0/maxConcurrent',
    );
    await expectField(
      '/agents/carol',
      { ...agent, capacities: [{ channel: 'fax', maxConcurrent: 1 }] },
      '/body/capacities/0/channel',
    );
    await expectField(
      '/agents/carol',
      { ...agent, capacities: [{ channel: 'callback', maxConcurrent: 1 }] },
      '/body/capacities/0/channel',
    );
    await expectField('/agents/carol', { ...agent, skills: [{ name: 'billing', level: 11 }] }, '/body/skills/0/level');
    await expectField('/agents/carol', { siteId: SITE }, '/body/displayName');
    // Misspelt properties are refused, not silently dropped (a PUT would otherwise reset what was meant).
    await expectField('/agents/carol', { ...agent, misedOffersBeforePause: 1 }, '/body/misedOffersBeforePause');
    await expectField(
      '/agents/carol',
      { ...agent, capacities: [{ channel: 'voice', maxConcurrent: 1, blocksChanels: ['chat'] }] },
      '/body/capacities/0/blocksChanels',
    );
    await expectField('/agents/bad%20id', agent, '/params/agentId');
    expect((await call('GET', '/agents?state=asleep')).status).toBe(400);
    expect((await call('GET', '/agents/carol')).status).toBe(404);

    // Routing's own checks come back by the body's names too: a skills expression that does not parse, a
    // duplicate skill.
    const expression = await expectField(
      '/queues/broken',
      {
        displayName: 'Broken',
        channels: ['voice'],
        steps: [{ afterWaitMs: 1_000, skillsExpression: 'skill.billing >=' }],
      },
      '/body/steps/0/skillsExpression',
    );
    expect(expression.body.fields[0].description).toMatch(/./);
    await expectField(
      '/agents/carol',
      {
        ...agent,
        skills: [
          { name: 'billing', level: 1 },
          { name: 'billing', level: 2 },
        ],
      },
      '/body/skills/1/name',
    );
    expect(await recordsFor('queue/broken')).toEqual([
      expect.objectContaining({
        action: 'queue.upsert',
        outcome: 'failed',
        detail: expect.stringContaining('skills_expression'),
      }),
    ]);
    expect((await call('GET', '/queues/broken')).status).toBe(404);
  });
});

describe('admin catalogue', () => {
  it('sets and lists wrap-up codes and not-ready reasons, refuses platform reasons, lists sites', async () => {
    const sale = await call('PUT', '/wrap-up-codes/sale', { displayName: 'Sale', category: 'sales' });
    expect(sale).toMatchObject({
      status: 200,
      body: { id: 'sale', displayName: 'Sale', category: 'sales', active: true },
    });
    expect((await call('PUT', '/wrap-up-codes/legacy', { displayName: 'Legacy', active: false })).status).toBe(200);
    const codes = (answer: AdminAnswer) => answer.body.wrapUpCodes.map((code: { id: string }) => code.id);
    expect(codes(await call('GET', '/wrap-up-codes'))).toEqual(['sale']);
    expect(codes(await call('GET', '/wrap-up-codes?includeInactive=true')).sort()).toEqual(['legacy', 'sale']);

    const lunch = await call('PUT', '/not-ready-reasons/lunch', { displayName: 'Lunch break' });
    expect(lunch).toMatchObject({
      status: 200,
      body: { id: 'lunch', displayName: 'Lunch break', system: false, productive: false },
    });
    const reasons = (await call('GET', '/not-ready-reasons')).body.notReadyReasons;
    expect(reasons).toEqual(
      expect.arrayContaining([
        { id: 'lunch', displayName: 'Lunch break', system: false, productive: false },
        expect.objectContaining({ id: 'missed', system: true }),
      ]),
    );
    const platform = await call('PUT', '/not-ready-reasons/missed', { displayName: 'Mine now' });
    expect(platform.status).toBe(409);
    expect((await call('PUT', '/not-ready-reasons/Lunch', { displayName: 'Lunch' })).body.fields).toEqual([
      expect.objectContaining({ field: '/params/reasonId' }),
    ]);

    const sites = await call('GET', '/sites');
    expect(sites.status).toBe(200);
    expect(Array.isArray(sites.body.sites)).toBe(true);

    expect((await recordsFor('wrap-up-code/sale'))[0]).toMatchObject({
      action: 'wrap_up_code.upsert',
      outcome: 'ok',
      actor: adminActor,
    });
    expect((await recordsFor('not-ready-reason/missed'))[0]).toMatchObject({
      action: 'not_ready_reason.upsert',
      outcome: 'failed',
    });
  });
});
