// Carries W3C trace context across our transports: NATS message headers and gRPC metadata.
import type { Metadata } from '@grpc/grpc-js';
import { context, propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/transport-node';

const natsSetter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};
const natsGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => (carrier?.has(key) ? carrier.get(key) : undefined),
};
const grpcSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};
const grpcGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key);
    return values.length === 0 ? undefined : values.map(String);
  },
};

export function injectIntoNatsHeaders(headers: MsgHdrs, from: Context = context.active()): void {
  propagation.inject(from, headers, natsSetter);
}

export function extractFromNatsHeaders(headers: MsgHdrs | undefined): Context {
  return propagation.extract(context.active(), headers, natsGetter);
}

export function injectIntoGrpcMetadata(metadata: Metadata, from: Context = context.active()): void {
  propagation.inject(from, metadata, grpcSetter);
}

export function extractFromGrpcMetadata(metadata: Metadata): Context {
  return propagation.extract(context.active(), metadata, grpcGetter);
}
