// Types and helpers over a ts-proto generated grpc-js service definition: the one description of a contract that
// both transports (gRPC and NATS) serve and call.
import type { MethodDefinition } from '@grpc/grpc-js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each method has its own types; RequestOf/ResponseOf restore them
export type AnyMethod = MethodDefinition<any, any>;
export type ContractDefinition = Record<string, AnyMethod>;

export type RequestOf<M> = M extends { requestSerialize: (value: infer Request) => Buffer } ? Request : never;
export type ResponseOf<M> = M extends { responseDeserialize: (bytes: Buffer) => infer Response } ? Response : never;

export interface MethodInfo {
  /** Property name in the definition (camelCase), e.g. "getAgent". */
  key: string;
  /** Method name as in the .proto, e.g. "GetAgent"; the last token of its NATS subject. */
  name: string;
  /** gRPC path, "/parley.routing.v1.RoutingService/GetAgent". */
  path: string;
  definition: AnyMethod;
}

export function methodsOf(definition: ContractDefinition): MethodInfo[] {
  return Object.entries(definition).map(([key, method]) => {
    const name = method.path.slice(method.path.lastIndexOf('/') + 1);
    return { key, name, path: method.path, definition: method };
  });
}

/** Fully-qualified proto service name, "parley.routing.v1.RoutingService". */
export function protoServiceNameOf(definition: ContractDefinition): string {
  const first = Object.values(definition)[0];
  if (!first) throw new Error('a contract must have at least one method');
  return first.path.slice(1, first.path.lastIndexOf('/'));
}

/** The service's NATS subject token: "routing" for parley.routing.v1.*; overridable for tests and multi-contract services. */
export function defaultRpcDomainOf(definition: ContractDefinition): string {
  const segments = protoServiceNameOf(definition).split('.');
  return segments[0] === 'parley' && segments[1] ? segments[1] : (segments[0] ?? 'unknown');
}

export const rpcSubjects = {
  method: (domain: string, methodName: string) => `parley.rpc.${domain}.${methodName}`,
  queueGroup: (domain: string) => `parley.rpc.${domain}`,
};
