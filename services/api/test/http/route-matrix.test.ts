// Every route against every kind of caller, the whole API running (routing, a SIP gateway, NATS, the embedded
// OpenID provider): no token, a malformed one and another issuer's token get 401; each realm role the route does not
// admit gets 403; each role it admits gets its 2xx. The matrix is checked against the OpenAPI document, so a route
// added without a line here fails this test. Sockets authenticate in their first message: 4401 / 4403 / ready.
import type { NatsRpcServer } from '@parley/kit';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { LoginAgentRequest } from '@parley/protos/parley/routing/v1/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider } from '../../src/oidc/local-provider.js';
import { demoUsers, type RealmRole } from '../../src/oidc/realm.js';
import { Agent, Queue, SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { openJsonSocket } from '../support/json-socket-client.js';
import { loginAt, TEST_REDIRECT_URI } from '../support/oidc-login.js';
import { serveStandIn } from '../support/stand-in-service.js';

interface Case {
  /** Roles admitted; the others get 403. */
  roles: readonly RealmRole[];
  /** The request an admitted role makes (bodies valid), and the 2xx it gets. */
  path: string;
  body?: unknown;
  ok: number;
}

const everyone = ['agent', 'supervisor', 'admin'] as const;
const admin = ['admin'] as const;
const agent = { displayName: 'Matrix', siteId: SITE, capacities: [{ channel: 'voice', maxConcurrent: 1 }] };
const flow = {
  displayName: 'Bye',
  document: { schemaVersion: 1, start: 'bye', nodes: { bye: { type: 'hangUp', prompt: 'bye' } } },
};

/** Keyed "METHOD /openapi/path". */
const matrix: Record<string, Case> = {
  'GET /api/v1/me': { roles: everyone, path: '/api/v1/me', ok: 200 },
  'GET /api/v1/agent/catalogue': { roles: everyone, path: '/api/v1/agent/catalogue', ok: 200 },
  'GET /api/v1/agent/history': { roles: ['agent'], path: '/api/v1/agent/history?limit=5', ok: 200 },
  'GET /api/v1/supervisor/snapshot': { roles: ['supervisor', 'admin'], path: '/api/v1/supervisor/snapshot', ok: 200 },
  'GET /api/v1/supervisor/audit': {
    roles: ['supervisor', 'admin'],
    path: '/api/v1/supervisor/audit?since=2020-01-01T00:00:00Z&limit=10',
    ok: 200,
  },
  'PUT /api/v1/supervisor/agents/{agentId}/state': {
    roles: ['supervisor', 'admin'],
    path: '/api/v1/supervisor/agents/anna/state',
    body: { state: 'AVAILABLE' },
    ok: 200,
  },
  'GET /api/v1/admin/queues': { roles: admin, path: '/api/v1/admin/queues', ok: 200 },
  'GET /api/v1/admin/queues/{queueId}': { roles: admin, path: '/api/v1/admin/queues/support', ok: 200 },
  'PUT /api/v1/admin/queues/{queueId}': {
    roles: admin,
    path: '/api/v1/admin/queues/matrix',
    body: { displayName: 'Matrix', channels: ['voice'], siteIds: [SITE] },
    ok: 200,
  },
  'DELETE /api/v1/admin/queues/{queueId}': { roles: admin, path: '/api/v1/admin/queues/matrix', ok: 204 },
  'GET /api/v1/admin/agents': { roles: admin, path: '/api/v1/admin/agents', ok: 200 },
  'GET /api/v1/admin/agents/{agentId}': { roles: admin, path: '/api/v1/admin/agents/anna', ok: 200 },
  'PUT /api/v1/admin/agents/{agentId}': { roles: admin, path: '/api/v1/admin/agents/matrix', body: agent, ok: 200 },
  'DELETE /api/v1/admin/agents/{agentId}': { roles: admin, path: '/api/v1/admin/agents/matrix', ok: 204 },
  'GET /api/v1/admin/flows': { roles: admin, path: '/api/v1/admin/flows', ok: 200 },
  'PUT /api/v1/admin/flows/{flowId}': { roles: admin, path: '/api/v1/admin/flows/bye', body: flow, ok: 200 },
  'GET /api/v1/admin/flows/{flowId}': { roles: admin, path: '/api/v1/admin/flows/bye', ok: 200 },
  'GET /api/v1/admin/wrap-up-codes': { roles: admin, path: '/api/v1/admin/wrap-up-codes', ok: 200 },
  'PUT /api/v1/admin/wrap-up-codes/{code}': {
    roles: admin,
    path: '/api/v1/admin/wrap-up-codes/sale',
    body: { displayName: 'Sale' },
    ok: 200,
  },
  'GET /api/v1/admin/not-ready-reasons': { roles: admin, path: '/api/v1/admin/not-ready-reasons', ok: 200 },
  'PUT /api/v1/admin/not-ready-reasons/{reasonId}': {
    roles: admin,
    path: '/api/v1/admin/not-ready-reasons/lunch',
    body: { displayName: 'Lunch' },
    ok: 200,
  },
  'GET /api/v1/admin/sites': { roles: admin, path: '/api/v1/admin/sites', ok: 200 },
};

/** Sockets (GET upgrades) and the role their first message needs. */
const sockets: Record<string, readonly RealmRole[]> = {
  'GET /api/v1/agent/socket': ['agent'],
  'GET /api/v1/supervisor/socket': ['supervisor', 'admin'],
};

/** Public on purpose: the chat widget's visitors have no account. */
const publicRoutes = [
  'GET /api/v1/client-config',
  'GET /chat/widget.js',
  'POST /chat/v1/chats',
  'GET /chat/v1/chats/{chatId}/socket',
];

let stack: ApiStack;
/** History answering an empty search (the agent's history route; its own test runs the real one). */
let history: NatsRpcServer;
const tokens = {} as Record<RealmRole, string>;
let foreignToken: string;

beforeAll(async () => {
  stack = await startApiStack({
    queues: [
      Queue.fromPartial({ id: 'support', displayName: 'Support', channels: [Channel.CHANNEL_VOICE], siteIds: [SITE] }),
    ],
    agents: [Agent.fromPartial({ id: 'anna', displayName: 'Anna', siteId: SITE })],
    sipGateway: true,
  });
  history = await serveStandIn(stack.nc, HistoryServiceService, stack.domains.history, {
    searchInteractions: async () => ({ hits: [], pageInfo: { nextPageToken: '', totalSize: 0 } }),
  });
  await stack.routingClient.loginAgent(
    LoginAgentRequest.fromPartial({
      agentId: 'anna',
      sessionId: 's-anna',
      initialState: AgentState.AGENT_STATE_AVAILABLE,
    }),
  );
  for (const [role, username] of [
    ['agent', 'anna'],
    ['supervisor', 'marek'],
    ['admin', 'admin'],
  ] as const)
    tokens[role] = (await loginAt(stack.api.issuer, username, `${username}-demo-pass`)).access_token;
  // A real admin token, from another issuer the API does not trust.
  const stranger = await startLocalProvider({
    host: '127.0.0.1',
    port: 0,
    users: demoUsers,
    redirectUris: [TEST_REDIRECT_URI],
  });
  try {
    foreignToken = (await loginAt(stranger.issuer, 'admin', 'admin-demo-pass')).access_token;
  } finally {
    await stranger.close();
  }
}, 60_000);

afterAll(async () => {
  await history?.close();
  await stack?.stop();
});

async function request(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${stack.api.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('the token and role matrix', () => {
  it('covers every route of the OpenAPI document', async () => {
    const response = await fetch(`${stack.api.url}/docs/json`);
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => method !== 'head')
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual([...Object.keys(matrix), ...Object.keys(sockets), ...publicRoutes].sort());
  });

  it('answers 401 without a valid token, 403 to roles a route does not admit and 2xx to those it does', async () => {
    for (const [route, test] of Object.entries(matrix)) {
      const method = route.split(' ')[0]!;
      const seen = {
        none: await request(method, test.path, undefined, test.body),
        malformed: await request(method, test.path, 'not-a-jwt', test.body),
        foreign: await request(method, test.path, foreignToken, test.body),
        ...Object.fromEntries(
          await Promise.all(
            everyone.map(async (role) => [role, await request(method, test.path, tokens[role], test.body)] as const),
          ),
        ),
      };
      const expected = {
        none: 401,
        malformed: 401,
        foreign: 401,
        ...Object.fromEntries(everyone.map((role) => [role, test.roles.includes(role) ? test.ok : 403])),
      };
      expect({ route, ...seen }).toEqual({ route, ...expected });
    }
  });

  it('closes sockets on a bad token (4401) and a role they do not admit (4403), and serves the others', async () => {
    for (const [route, roles] of Object.entries(sockets)) {
      const path = route.split(' ')[1]!;
      const bad = await openJsonSocket(stack.wsUrl(path));
      bad.send({ type: 'auth', token: foreignToken });
      expect({ route, code: (await bad.closed).code }).toEqual({ route, code: 4401 });
      for (const role of everyone) {
        const socket = await openJsonSocket(stack.wsUrl(path));
        socket.send({ type: 'auth', token: tokens[role] });
        if (roles.includes(role)) {
          await socket.next('ready');
          socket.socket.close();
        } else expect({ route, role, code: (await socket.closed).code }).toEqual({ route, role, code: 4403 });
      }
    }
  });
});
