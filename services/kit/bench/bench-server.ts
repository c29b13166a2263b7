// The callee side of the RPC benchmark, in its own process as in production: a raw NATS responder, the kit's NATS
// RPC server and the kit's gRPC server, all answering the same echo with the same bytes.
import { closeNats, connectNats, createLogger, GrpcRpcServer, NatsRpcServer, startTelemetry } from '../src/index.js';
import { EchoResponse, EchoServiceService } from '../test/protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from '../test/support/echo-handlers.js';

const [natsUrl = 'nats://127.0.0.1:4222', domain = 'kitbench', rawSubject = 'kitbench.raw'] = process.argv.slice(2);
// BENCH_TELEMETRY=off measures the transport alone; on (the default) is how services run.
const telemetry =
  process.env.BENCH_TELEMETRY === 'off'
    ? undefined
    : startTelemetry({ serviceName: 'kit-bench-server', site: 'bench' });
const logger = createLogger({ service: 'kit-bench-server', level: 'warn' });
const nc = await connectNats({ servers: [natsUrl], name: 'kit-bench-server', logger });

// Raw: decode nothing, answer a pre-encoded response of the same size the kit sends.
const rawReply = EchoResponse.encode({
  text: 'hello',
  replicaId: 'bench',
  traceId: '',
  metadata: {},
  transport: 'nats',
  sequence: 0,
}).finish();
nc.subscribe(rawSubject, {
  queue: 'raw',
  callback: (_error, msg) => {
    msg.respond(rawReply);
  },
});

// Lets the client read this process's CPU time, to split the cost of a call between caller and callee.
nc.subscribe(`${rawSubject}.cpu`, {
  callback: (_error, msg) => {
    const usage = process.cpuUsage();
    msg.respond(new TextEncoder().encode(String(usage.user + usage.system)));
  },
});

const handlers = createEchoHandlers('bench');
const natsRpc = new NatsRpcServer(nc, logger);
natsRpc.serve(EchoServiceService, handlers, { domain });
const grpc = new GrpcRpcServer({ logger });
grpc.serve(EchoServiceService, handlers);
const grpcPort = await grpc.listen('127.0.0.1', 0);
await nc.flush();
process.stdout.write(`${JSON.stringify({ ready: true, grpcPort })}\n`);

process.on('SIGTERM', () => {
  void Promise.all([grpc.close(500), natsRpc.close()])
    .then(() => closeNats(nc))
    .then(() => telemetry?.shutdown())
    .then(() => process.exit(0));
});
