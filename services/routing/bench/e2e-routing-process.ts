// The routing service as the end-to-end benchmark runs it: its own process, its own streams, operation log, lease
// and RPC subject; it reports ready once it owns the routing state.
import { loadRoutingConfig } from '../src/config.js';
import { startRoutingReplica } from '../src/routing-replica.js';
import { namespacedRoutingResources } from '../src/routing-resources.js';

const streams = JSON.parse(process.env.BENCH_STREAMS ?? '{}');
const run = process.env.BENCH_RUN ?? 'routing';
const replica = await startRoutingReplica({
  config: loadRoutingConfig(),
  eventStreams: streams,
  resources: namespacedRoutingResources(run),
});
while (!replica.isOwner()) await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write('ready\n');
