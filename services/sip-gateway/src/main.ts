// Process entry of the SIP gateway: configuration, then the service (telemetry starts first inside the host).
import { loadSipGatewayConfig } from './config.js';
import { startSipGatewayService } from './sip-gateway-service.js';

await startSipGatewayService({ config: loadSipGatewayConfig() });
