// Serves contracts over @grpc/grpc-js with the standard health service (grpc.health.v1) and server reflection,
// the port Kubernetes probes, grpcurl and external callers use.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import {
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import { extractFromGrpcMetadata } from '../telemetry/trace-context.js';
import { createCallContext, type CallContext, type ServerStreamHandler, type UnaryHandler } from './call-context.js';
import { methodsOf, protoServiceNameOf, type ContractDefinition, type MethodInfo } from './contract.js';
import { toGrpcStatus } from './error-wire.js';
import type { ContractHandlers } from './handlers.js';
import { runServerCall } from './instrumentation.js';

const strippedMetadata = new Set([
  'traceparent',
  'tracestate',
  'baggage',
  'user-agent',
  'content-type',
  'te',
  'grpc-accept-encoding',
  'grpc-encoding',
]);

export interface GrpcRpcServerOptions {
  logger: Logger;
  /** Extra descriptor sets for reflection (test contracts); Parley's own set is always included. */
  extraDescriptorSets?: Buffer[];
}

export class GrpcRpcServer {
  private readonly server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly servedNames: string[] = [];
  private readonly logger: Logger;
  private closing: Promise<void> | undefined;

  constructor(options: GrpcRpcServerOptions) {
    this.logger = options.logger.child({ module: 'grpc' });
    this.health.addToServer(this.server);
    new ReflectionService(reflectionPackages(options.extraDescriptorSets ?? [])).addToServer(this.server);
  }

  serve<Definition extends ContractDefinition>(definition: Definition, handlers: ContractHandlers<Definition>): void {
    const implementation: UntypedServiceImplementation = {};
    for (const method of methodsOf(definition)) {
      const handler = (handlers as Record<string, unknown>)[method.key];
      if (typeof handler !== 'function') throw new Error(`no handler for ${method.path}`);
      if (method.definition.requestStream)
        throw new Error(`${method.path}: client streaming is not supported by the kit`);
      implementation[method.key] = method.definition.responseStream
        ? this.serverStream(method, handler as ServerStreamHandler<unknown, unknown>)
        : this.unary(method, handler as UnaryHandler<unknown, unknown>);
    }
    this.server.addService(definition, implementation);
    this.servedNames.push(protoServiceNameOf(definition));
  }

  private unary(method: MethodInfo, handler: UnaryHandler<unknown, unknown>) {
    return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const context = contextOf(method, call);
      void runServerCall(
        { transport: 'grpc', method: method.path },
        extractFromGrpcMetadata(call.metadata),
        this.logger,
        () => handler(call.request, context),
      ).then((outcome) => (outcome.ok ? callback(null, outcome.response) : callback(toGrpcStatus(outcome.error))));
    };
  }

  private serverStream(method: MethodInfo, handler: ServerStreamHandler<unknown, unknown>) {
    return (call: ServerWritableStream<unknown, unknown>) => {
      const context = contextOf(method, call);
      void runServerCall(
        { transport: 'grpc', method: method.path },
        extractFromGrpcMetadata(call.metadata),
        this.logger,
        async () => {
          for await (const item of handler(call.request, context)) {
            if (context.signal.aborted) break;
            // Respect back-pressure; stop waiting if the caller goes away (leaving the loop runs the
            // handler's finally blocks).
            if (!call.write(item) && !(await drainedOrAborted(call, context.signal))) break;
          }
        },
      ).then((outcome) => {
        if (outcome.ok) call.end();
        // emit('error') lets grpc-js flush what was written, then send the status; destroy() would drop both.
        else call.emit('error', Object.assign(new Error(outcome.error.message), toGrpcStatus(outcome.error)));
      });
    };
  }

  /** Binds and starts; returns the bound port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    const bound = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, actual) =>
        error ? reject(error) : resolve(actual),
      ),
    );
    this.logger.info({ host, port: bound, services: this.servedNames }, 'gRPC listening');
    return bound;
  }

  /** Health as Kubernetes' native gRPC probe and load balancers see it. */
  setServing(serving: boolean): void {
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', status);
    for (const name of this.servedNames) this.health.setStatus(name, status);
  }

  /** Idempotent: refuses new calls, waits for running ones up to `graceMs`, then cancels the rest. */
  close(graceMs = 5_000): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.setServing(false);
      const timer = setTimeout(() => this.server.forceShutdown(), graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closing;
  }
}

/** Resolves true when the stream can take more, false when the call was cancelled or timed out first. */
function drainedOrAborted(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = () => finish(true);
    const onAbort = () => finish(false);
    const finish = (drained: boolean) => {
      call.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(drained);
    };
    call.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function contextOf(
  method: MethodInfo,
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
): CallContext {
  const rawDeadline = call.getDeadline();
  const deadline =
    rawDeadline instanceof Date ? rawDeadline : Number.isFinite(rawDeadline) ? new Date(rawDeadline) : undefined;
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  const readMetadata = () => {
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(call.metadata.getMap())) {
      if (!strippedMetadata.has(key) && !key.startsWith('grpc-') && typeof value === 'string') metadata[key] = value;
    }
    return metadata;
  };
  return createCallContext(method.path, 'grpc', deadline, readMetadata, cancelled.signal);
}

function reflectionPackages(extra: Buffer[]): PackageDefinition {
  const require = createRequire(import.meta.url);
  const parleySet = readFileSync(require.resolve('@parley/protos/descriptor'));
  return Object.assign({}, ...[parleySet, ...extra].map((set) => loadFileDescriptorSetFromBuffer(set)));
}
