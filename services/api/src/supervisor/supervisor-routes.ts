// The supervisor's routes: the site's live snapshot, forcing an agent's state and the audit log over REST (for
// dashboards that poll, and scripts), and the supervisor socket (live events, supervision with audio). Supervisors
// of this API's site and admins only; changes are audited.
import type { FastifyInstance } from 'fastify';
import { audited } from '../admin/service-call.js';
import { canSuperviseSite } from '../auth/permissions.js';
import type { RouteModule } from '../http/app.js';
import { authenticate } from '../http/authenticate.js';
import { sendProblem } from '../http/problem.js';
import { forceAgentState, type ForcedState } from './force-agent-state.js';
import { auditRouteSchema, readSiteAudit, type AuditQuerystring } from './site-audit.js';
import { siteSnapshot } from './site-views.js';
import { serveSupervisorSocket, type SupervisorSocketDeps } from './supervisor-socket.js';

const PREFIX = '/api/v1/supervisor';

export function supervisorRoutes(deps: SupervisorSocketDeps): RouteModule {
  return async (app: FastifyInstance) => {
    const guard = authenticate(deps.verifier, ['supervisor', 'admin']);
    const bearer = [{ bearer: [] }];
    await app.register(
      async (scope) => {
        scope.addHook('onRequest', async (request, reply) => {
          if (request.routeOptions.config.isSocket) return undefined;
          await guard.call(scope, request, reply);
          if (reply.sent) return reply;
          if (!canSuperviseSite(request.principal!, deps.site))
            return sendProblem(reply, {
              status: 403,
              kind: 'forbidden',
              title: 'Forbidden',
              detail: `this API serves site ${deps.site}; you supervise ${request.principal!.site ?? 'no site'}`,
            });
          return undefined;
        });

        scope.get(
          '/snapshot',
          { schema: { tags: ['supervisor'], summary: "The site's queues and agents now", security: bearer } },
          async () => ({ site: deps.site, ...(await siteSnapshot(deps.routing, deps.site)) }),
        );

        scope.put<{ Params: { agentId: string }; Body: { state: ForcedState; reasonId?: string } }>(
          '/agents/:agentId/state',
          {
            schema: {
              tags: ['supervisor'],
              summary: "Force an agent's state (OFFLINE logs the agent out)",
              security: bearer,
              params: {
                type: 'object',
                properties: { agentId: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' } },
                required: ['agentId'],
              },
              body: {
                type: 'object',
                additionalProperties: false,
                required: ['state'],
                properties: {
                  state: { type: 'string', enum: ['AVAILABLE', 'NOT_READY', 'OFFLINE'] },
                  reasonId: { type: 'string', maxLength: 128 },
                },
              },
            },
          },
          async (request, reply) => {
            const { agentId } = request.params;
            const outcome = await audited(deps, request, {
              action: 'agent.force_state',
              target: `agent/${agentId}`,
              call: () => forceAgentState(deps.routing, request.principal!, { agentId, ...request.body }),
              describe: () => request.body.state,
            });
            if (!outcome.ok) return sendProblem(reply, outcome.problem);
            return { agentId, state: request.body.state };
          },
        );

        scope.get<{ Querystring: AuditQuerystring }>('/audit', { schema: auditRouteSchema }, async (request) =>
          readSiteAudit(deps.audit, request.principal!, deps.site, request.query),
        );

        scope.get(
          '/socket',
          {
            websocket: true,
            config: { isSocket: true },
            schema: {
              tags: ['supervisor'],
              summary: 'The supervisor socket (WebSocket): authenticate with the access token in the first message',
              security: bearer,
            },
          },
          (socket, request) =>
            serveSupervisorSocket(socket, deps, {
              address: request.ip,
              userAgent: request.headers['user-agent']?.slice(0, 200),
            }),
        );
      },
      { prefix: PREFIX },
    );
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A WebSocket route: it authenticates in its first message, not with a header. */
    isSocket?: boolean;
  }
}
