// Process entry of the media service: configuration, then the service (telemetry starts first inside the host).
import { loadMediaConfig } from './config.js';
import { startMediaService } from './media-service.js';

await startMediaService({ config: loadMediaConfig() });
