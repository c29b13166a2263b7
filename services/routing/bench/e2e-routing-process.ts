// The routing service as the end-to-end benchmark runs it: its own process, its own streams and RPC subject.
import { loadRoutingConfig } from '../src/config.js';
import { startRoutingService } from '../src/routing-service.js';

const streams = JSON.parse(process.env.BENCH_STREAMS ?? '{}');
await startRoutingService({
  config: loadRoutingConfig(),
  eventStreams: streams,
  rpcDomain: process.env.BENCH_RUN ?? 'routing',
});
process.stdout.write('ready\n');
