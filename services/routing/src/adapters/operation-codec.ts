// How an operation's request is stored in the log: contract calls as their protobuf request, a hook's answer as
// HookDecision bytes, the internal ticks (advance, reconcile) as nothing.
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { HookDecision } from '../domain/decisions.js';
import { decodeDecision, encodeDecision } from './decision-codec.js';
import { advanceMethod, decideMethod, reconcileMethod } from './routing-state-machine.js';

const definition = RoutingServiceService as unknown as Record<
  string,
  { requestSerialize: (v: unknown) => Buffer; requestDeserialize: (b: Buffer) => unknown }
>;
const internalMethods: ReadonlySet<string> = new Set([advanceMethod, reconcileMethod]);

export function encodeRequest(method: string, request: unknown): Uint8Array {
  if (method === decideMethod) return encodeDecision(request as HookDecision);
  if (internalMethods.has(method)) return new Uint8Array();
  return definition[method]?.requestSerialize(request) ?? new Uint8Array();
}

export function decodeRequest(method: string, bytes: Uint8Array): unknown {
  if (method === decideMethod) return decodeDecision(bytes);
  if (internalMethods.has(method)) return undefined;
  return definition[method]?.requestDeserialize(Buffer.from(bytes));
}
