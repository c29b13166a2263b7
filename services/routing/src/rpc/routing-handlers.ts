// The routing service's RPC handlers: decode-level validation, calls into the engine, commit of its events, and
// mapping back to the contract. One catalog per engine keeps what the engine does not hold.
import type { ContractHandlers } from '@parley/kit';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { agentHandlers } from './agent-handlers.js';
import { RoutingCatalog } from './catalog.js';
import type { RoutingHandlerDeps } from './handler-context.js';
import { interactionHandlers } from './interaction-handlers.js';
import { queueHandlers } from './queue-handlers.js';
import { workHandlers } from './work-handlers.js';

export type { RoutingHandlerDeps } from './handler-context.js';
export { RoutingCatalog } from './catalog.js';

/**
 * Every state-changing handler calls the engine with `deps.now()` and awaits `deps.commit()` before answering, so
 * a reply means the engine's events are stored. `catalog` is optional so main.ts can seed sites (or share it).
 */
export function createRoutingHandlers(
  deps: RoutingHandlerDeps & { catalog?: RoutingCatalog },
): ContractHandlers<typeof RoutingServiceService> {
  const ctx = { ...deps, catalog: deps.catalog ?? new RoutingCatalog() };
  return { ...agentHandlers(ctx), ...queueHandlers(ctx), ...interactionHandlers(ctx), ...workHandlers(ctx) };
}
