// The routing state as a deterministic state machine: the engine, the contract's handlers and their catalog,
// driven by (method, request, time). Live calls and log replay go through the same apply(), which is what makes a
// replayed standby identical to the owner it replaces.
import type { CallContext, ContractHandlers } from '@parley/kit';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { RoutingEngine } from '../domain/engine.js';
import { createRoutingHandlers } from '../rpc/routing-handlers.js';
import { deterministicUlid } from './deterministic-ids.js';

export type RoutingHandlers = ContractHandlers<typeof RoutingServiceService>;
export type RoutingMethod = keyof RoutingHandlers;

/** Methods that only read: not logged, not serialised with the writes. */
export const readOnlyMethods: ReadonlySet<string> = new Set([
  'getAgent',
  'listAgents',
  'getQueue',
  'listQueues',
  'validateSkillsExpression',
  'getInteractionPosition',
  'getQueueSnapshot',
  'getAgentSnapshot',
  'listWrapUpCodes',
  'listNotReadyReasons',
  'listSites',
]);

export const advanceMethod = '__advance';
/** The periodic self-repair, logged like any call so a replay repeats it. */
export const reconcileMethod = '__reconcile';

const replayContext: CallContext = {
  method: 'replay',
  transport: 'nats',
  deadline: undefined,
  signal: new AbortController().signal,
  metadata: {},
};

export class RoutingStateMachine {
  readonly engine: RoutingEngine;
  readonly handlers: RoutingHandlers;
  private time = 0;

  constructor(site: string) {
    let offers = 0;
    this.engine = new RoutingEngine({ newId: () => deterministicUlid(this.time, `${site}:offer:${++offers}`) });
    // Events are published by the caller after the operation is logged, so the handlers' own commit does nothing.
    this.handlers = createRoutingHandlers({ engine: this.engine, now: () => this.time, commit: async () => undefined });
  }

  /** Runs one state-changing operation at time `at`. */
  async apply(method: string, request: unknown, at: number, context: CallContext = replayContext): Promise<unknown> {
    this.time = at;
    if (method === advanceMethod) {
      this.engine.advance(at);
      return undefined;
    }
    if (method === reconcileMethod) return this.engine.reconcile(at);
    const handler = (this.handlers as unknown as Record<string, (r: unknown, c: CallContext) => Promise<unknown>>)[
      method
    ];
    if (!handler) throw new Error(`unknown routing method ${method}`);
    return handler(request, context);
  }

  /** Runs a read at the current wall-clock time. */
  read(method: string, request: unknown, context: CallContext): Promise<unknown> {
    return this.apply(method, request, Date.now(), context);
  }
}
