// A routing replica process for the failover test: its own streams, buckets and RPC subjects, from the env.
import { loadRoutingConfig } from '../../src/config.js';
import { startRoutingReplica } from '../../src/routing-replica.js';

const setup = JSON.parse(process.env.REPLICA_SETUP ?? '{}');
await startRoutingReplica({
  config: loadRoutingConfig(),
  eventStreams: setup.eventStreams,
  resources: setup.resources,
});
process.stdout.write('started\n');
