// A routing replica process for the failover benchmark: streams, operation log, lease and RPC subject from the env.
import { loadRoutingConfig } from '../src/config.js';
import { startRoutingReplica } from '../src/routing-replica.js';

const setup = JSON.parse(process.env.REPLICA_SETUP ?? '{}');
await startRoutingReplica({ config: loadRoutingConfig(), ...setup });
process.stdout.write('started\n');
