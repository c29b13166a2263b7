// The admin REST under /api/v1/admin: queues, agents, IVR flows, wrap-up codes, not-ready reasons and sites,
// configured through routing and the SIP gateway over NATS. Every route needs the admin role, every change is
// audited, and every route's JSON Schema is both what Fastify validates and what /docs/json publishes.
import type { RouteModule } from '../http/app.js';
import { authenticate } from '../http/authenticate.js';
import type { AdminDeps } from './admin-deps.js';
import { agentRoutes } from './agent-routes.js';
import { catalogueRoutes } from './catalogue-routes.js';
import { flowRoutes } from './flow-routes.js';
import { queueRoutes } from './queue-routes.js';

export type { AdminDeps } from './admin-deps.js';

export const ADMIN_PREFIX = '/api/v1/admin';

export function adminRoutes(deps: AdminDeps): RouteModule {
  return async (app) => {
    await app.register(
      async (admin) => {
        // One guard for the whole scope, so no route can be added without it. On onRequest, not preHandler: the
        // caller is known (401) and allowed (403) before the body is even parsed, so someone without the role gets
        // 403 rather than a 400 about a body they may not send at all, and their body is never read.
        admin.addHook('onRequest', authenticate(deps.verifier, ['admin']));
        queueRoutes(admin, deps);
        agentRoutes(admin, deps);
        flowRoutes(admin, deps);
        catalogueRoutes(admin, deps);
      },
      { prefix: ADMIN_PREFIX },
    );
  };
}
