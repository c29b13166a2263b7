// A routing replica process for the failover test: its own streams, lease bucket and RPC subject, from the env.
import { loadRoutingConfig } from '../../src/config.js';
import { startRoutingReplica } from '../../src/routing-replica.js';

const setup = JSON.parse(process.env.REPLICA_SETUP ?? '{}');
await startRoutingReplica({
  config: loadRoutingConfig(),
  eventStreams: setup.eventStreams,
  operationLog: setup.operationLog,
  leaseBucket: setup.leaseBucket,
  rpcDomain: setup.rpcDomain,
});
process.stdout.write('started\n');
