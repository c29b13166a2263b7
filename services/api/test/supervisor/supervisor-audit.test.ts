// The audit log read back (GET /api/v1/supervisor/audit), every part real (routing, NATS and the run's own audit
// stream, the embedded OpenID provider): newest first, since a time, a limit, one target; a supervisor sees their own
// site's records without addresses, an admin every site's with them; bad queries name their field; and the read is
// bounded — among more records of another site than it may look at, it stops and says the list is not complete.
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { LoginAgentRequest } from '@parley/protos/parley/routing/v1/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditRecord } from '../../src/audit/audit-log.js';
import { SCAN_BUDGET } from '../../src/audit/audit-reader.js';
import type { Principal } from '../../src/auth/principal.js';
import { Agent, Queue, SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { loginAt } from '../support/oidc-login.js';

let stack: ApiStack;
let log: AuditLog;
const token = async (username: string) =>
  (await loginAt(stack.api.issuer, username, `${username}-demo-pass`)).access_token;

const zofia: Principal = {
  subject: 'zofia-sub',
  username: 'zofia',
  name: 'Zofia',
  roles: new Set(['supervisor']),
  site: 'krk',
};
const marek: Principal = { ...zofia, subject: 'marek-sub', username: 'marek', name: 'Marek', site: SITE };
const from = { address: '10.1.2.3', userAgent: 'test' };

beforeAll(async () => {
  stack = await startApiStack({
    queues: [
      Queue.fromPartial({ id: 'support', displayName: 'Support', channels: [Channel.CHANNEL_VOICE], siteIds: [SITE] }),
    ],
    agents: [
      Agent.fromPartial({
        id: 'anna',
        displayName: 'Anna',
        siteId: SITE,
        capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }],
      }),
    ],
    users: [{ username: 'zofia', password: 'zofia-demo-pass', name: 'Zofia', roles: ['supervisor'], site: 'krk' }],
  });
  log = new AuditLog(stack.nc, stack.audit, SITE);
  await stack.routingClient.loginAgent(
    LoginAgentRequest.fromPartial({
      agentId: 'anna',
      sessionId: 's-anna',
      initialState: AgentState.AGENT_STATE_AVAILABLE,
    }),
  );
}, 60_000);

afterAll(() => stack?.stop());

async function readAudit(query: string, accessToken?: string) {
  const response = await fetch(`${stack.api.url}/api/v1/supervisor/audit?${query}`, {
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
  return { status: response.status, body: (await response.json()) as { records: AuditRecord[]; complete: boolean } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the audit log read back', () => {
  it("lists a supervisor's own site newest first, since a time, by target and limit; an admin every site", async () => {
    const marekToken = await token('marek');
    const adminToken = await token('admin');
    await log.record({ principal: marek, ...from }, { action: 'queue.note', target: 'queue/support', outcome: 'ok' });
    await sleep(20);
    const since = new Date().toISOString();
    await sleep(20);
    // One change through the API itself, then records of both sites.
    const forced = await fetch(`${stack.api.url}/api/v1/supervisor/agents/anna/state`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${marekToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'NOT_READY' }),
    });
    expect(forced.status).toBe(200);
    await log.record(
      { principal: zofia, ...from },
      { action: 'agent.force_state', target: 'agent/piotr', outcome: 'ok' },
    );
    await log.record(
      { principal: marek, ...from },
      { action: 'call.monitor', target: 'interaction/01CALL', outcome: 'failed', detail: 'no_call' },
    );
    await log.record({ visitorId: 'v-1', ...from }, { action: 'chat.start', target: 'chat/01CHAT', outcome: 'ok' });

    const mine = await readAudit(`since=${since}&limit=50`, marekToken);
    expect(mine.status).toBe(200);
    expect(mine.body.complete).toBe(true);
    expect(mine.body.records.map((record) => [record.action, record.target, record.outcome])).toEqual([
      ['chat.start', 'chat/01CHAT', 'ok'],
      ['call.monitor', 'interaction/01CALL', 'failed'],
      ['agent.force_state', 'agent/anna', 'ok'],
    ]);
    expect(mine.body.records[0]).toMatchObject({ site: SITE, actor: { visitorId: 'v-1' } });
    expect(mine.body.records[1]).toMatchObject({ detail: 'no_call', actor: { username: 'marek', site: SITE } });
    expect(mine.body.records[2]).toMatchObject({
      id: expect.any(String),
      at: expect.any(String),
      detail: 'NOT_READY',
      actor: { username: 'marek', roles: ['supervisor'], site: SITE, subject: expect.any(String) },
    });
    // Addresses are personal data: admins only.
    expect(mine.body.records.some((record) => 'from' in record)).toBe(false);

    const everySite = await readAudit(`since=${since}`, adminToken);
    expect(everySite.body.records.map((record) => record.target)).toEqual([
      'chat/01CHAT',
      'interaction/01CALL',
      'agent/piotr',
      'agent/anna',
    ]);
    expect(everySite.body.records[2]).toMatchObject({ site: 'krk', from: { address: '10.1.2.3', userAgent: 'test' } });

    const onAnna = await readAudit(`since=${since}&target=agent/anna`, marekToken);
    expect(onAnna.body.records.map((record) => record.action)).toEqual(['agent.force_state']);
    const newest = await readAudit(`since=${since}&limit=2`, marekToken);
    expect(newest.body).toMatchObject({ complete: false });
    expect(newest.body.records.map((record) => record.action)).toEqual(['chat.start', 'call.monitor']);
    // From before: the record written before `since` too.
    const longer = await readAudit('since=2020-01-01T00:00:00Z', marekToken);
    expect(longer.body.records.at(-1)).toMatchObject({ action: 'queue.note' });
    expect((await readAudit(`since=${new Date(Date.now() + 60_000).toISOString()}`, marekToken)).body).toEqual({
      records: [],
      complete: true,
    });
  });

  it('refuses bad queries by field, callers without the role, and supervisors of another site', async () => {
    const marekToken = await token('marek');
    const bad = async (query: string) =>
      (await readAudit(query, marekToken)) as unknown as { status: number; body: { fields?: { field: string }[] } };
    expect(await bad('limit=10')).toMatchObject({ status: 400 });
    expect(await bad('since=yesterday')).toMatchObject({
      status: 400,
      body: { fields: [{ field: '/querystring/since' }] },
    });
    expect(await bad('since=2020-01-01T00:00:00Z&limit=0')).toMatchObject({
      status: 400,
      body: { fields: [{ field: '/querystring/limit' }] },
    });
    expect(await bad('since=2020-01-01T00:00:00Z&limit=501')).toMatchObject({ status: 400 });
    expect(await bad('since=2020-01-01T00:00:00Z&target=anna')).toMatchObject({
      status: 400,
      body: { fields: [{ field: '/querystring/target' }] },
    });
    expect(await bad('since=2020-01-01T00:00:00Z&site=krk')).toMatchObject({ status: 400 });
    expect((await readAudit('since=2020-01-01T00:00:00Z')).status).toBe(401);
    expect((await readAudit('since=2020-01-01T00:00:00Z', await token('anna'))).status).toBe(403);
    expect((await readAudit('since=2020-01-01T00:00:00Z', await token('zofia'))).status).toBe(403);
  });

  it('looks at no more than its budget of stored records, and says the list may not be complete', async () => {
    const since = new Date().toISOString();
    await log.record({ principal: marek, ...from }, { action: 'call.barge', target: 'interaction/02', outcome: 'ok' });
    // More of another site's records after it than one read may look at.
    const writes = Array.from({ length: SCAN_BUDGET + 50 }, (_, index) => index);
    for (let start = 0; start < writes.length; start += 250)
      await Promise.all(
        writes
          .slice(start, start + 250)
          .map((index) =>
            log.record(
              { principal: zofia, ...from },
              { action: 'agent.force_state', target: `agent/k${index}`, outcome: 'ok' },
            ),
          ),
      );
    await log.record(
      { principal: zofia, ...from },
      { action: 'agent.force_state', target: 'agent/last', outcome: 'ok' },
    );
    const marekToken = await token('marek');
    const started = performance.now();
    const read = await readAudit(`since=${since}`, marekToken);
    expect(read.body).toEqual({ records: [], complete: false });
    expect(performance.now() - started).toBeLessThan(10_000);
    // Admins see that site's newest at once.
    const admin = await readAudit(`since=${since}&limit=3`, await token('admin'));
    expect(admin.body).toMatchObject({ complete: false, records: [{ target: 'agent/last', site: 'krk' }, {}, {}] });
  }, 60_000);
});
