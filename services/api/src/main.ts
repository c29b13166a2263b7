// Entry point: `pnpm --filter @parley/api start`.
import { loadApiConfig } from './config.js';
import { startApiService } from './api-service.js';

await startApiService({ config: loadApiConfig() });
