// Process entry of the routing service: configuration, then a replica that owns the routing state or stands by
// for it (telemetry starts first inside the host).
import { loadRoutingConfig } from './config.js';
import { startRoutingReplica } from './routing-replica.js';

await startRoutingReplica({ config: loadRoutingConfig() });
