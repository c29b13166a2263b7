// Process entry of the routing service: configuration, then the service (telemetry starts first inside the host).
import { loadRoutingConfig } from './config.js';
import { startRoutingService } from './routing-service.js';

await startRoutingService({ config: loadRoutingConfig() });
