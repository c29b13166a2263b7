// Process entry of the history service: configuration, then the service (telemetry starts first inside the host).
import { loadHistoryConfig } from './config.js';
import { startHistoryService } from './history-service.js';

await startHistoryService({ config: loadHistoryConfig() });
