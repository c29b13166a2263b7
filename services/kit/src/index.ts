// @parley/kit: the shared plumbing of every Parley service. Domain logic never lives here.
export { loadConfig, ConfigError, type Environment } from './config/load-config.js';
export { env, baseServiceConfigSchema, type BaseServiceConfig } from './config/env-types.js';
export { apiPublicPort, servicePorts, type ServiceName } from './config/service-ports.js';
export { KitErrorCode } from './errors/error-codes.js';
export {
  ParleyError,
  InvalidArgumentError,
  RpcError,
  asParleyError,
  type ParleyErrorOptions,
} from './errors/parley-error.js';
export { Status, statusName, httpStatusFor, isStatusCode, type StatusCode } from './errors/status.js';
export { createLogger, type Logger, type CreateLoggerOptions } from './logging/logger.js';
export { startTelemetry, type Telemetry, type TelemetryOptions } from './telemetry/telemetry.js';
export {
  injectIntoNatsHeaders,
  extractFromNatsHeaders,
  injectIntoGrpcMetadata,
  extractFromGrpcMetadata,
} from './telemetry/trace-context.js';
export { connectNats, closeNats, type NatsConnection, type NatsConnectOptions } from './nats/connection.js';
export { openKeyValue, type KV, type KvEntry } from './nats/key-value.js';
export { Lease, type LeaseOptions } from './nats/lease.js';
export {
  publishToStream,
  StreamPublishError,
  type StreamAck,
  type StreamPublishOptions,
} from './nats/stream-publish.js';
export type { CallContext, UnaryHandler, ServerStreamHandler } from './rpc/call-context.js';
export {
  methodsOf,
  protoServiceNameOf,
  defaultRpcDomainOf,
  rpcSubjects,
  type ContractDefinition,
  type RequestOf,
  type ResponseOf,
} from './rpc/contract.js';
export type { ContractHandlers, RpcClient, RpcCallOptions } from './rpc/handlers.js';
export { GrpcRpcServer, type GrpcRpcServerOptions } from './rpc/grpc-rpc-server.js';
export { NatsRpcServer, type NatsServeOptions } from './rpc/nats-rpc-server.js';
export { createNatsRpcClient, type NatsClientOptions } from './rpc/nats-rpc-client.js';
export { createGrpcRpcClient, type GrpcClientOptions, type ClosableRpcClient } from './rpc/grpc-rpc-client.js';
export {
  defaultEventStreams,
  ensureEventStreams,
  upsertStream,
  deleteEventStreams,
  type EventStreamsConfig,
} from './events/event-streams.js';
export { eventSubject, eventFilter, deadLetterSubject, isEventType, isSubjectToken } from './events/event-subjects.js';
export { EventPublisher, type PublishResult } from './events/event-publisher.js';
export { EventFeed, type EventListener } from './events/event-feed.js';
export {
  DurableEventConsumer,
  type DurableConsumerOptions,
  type EventHandler,
  type DeliveryInfo,
} from './events/durable-consumer.js';
export { Readiness, type ReadinessCheck } from './health/readiness.js';
export { startHealthServer, type HealthServer, type HealthServerOptions } from './health/http-server.js';
export { ShutdownStack, onTerminationSignal, type Closer } from './lifecycle/shutdown.js';
export { ServiceHost, type ServiceHostOptions } from './lifecycle/service-host.js';
export { deterministicUlid } from './ids/deterministic-ulid.js';
