// A complete service process built on ServiceHost, as a service's main.ts would be; run by the shutdown test.
import { baseServiceConfigSchema, env, loadConfig, ServiceHost } from '../../src/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from './echo-handlers.js';

const config = loadConfig(
  baseServiceConfigSchema.extend({
    SERVICE_NAME: env.subjectToken('echo'),
    PARLEY_STREAM_PREFIX: env.subjectToken('t'),
  }),
);
const prefix = config.PARLEY_STREAM_PREFIX;
const host = await ServiceHost.start({
  service: config.SERVICE_NAME,
  config,
  grpcPort: 0,
  httpPort: 0,
  eventStreams: {
    stream: `${prefix.toUpperCase()}_EVENTS`,
    subjectPrefix: `${prefix}.evt`,
    deadLetterStream: `${prefix.toUpperCase()}_DLQ`,
    deadLetterPrefix: `${prefix}.dlq`,
    duplicateWindowMs: 60_000,
    maxAgeMs: 3_600_000,
  },
});
host.serve(EchoServiceService, createEchoHandlers('process'));
const ports = await host.listen();
process.stdout.write(`${JSON.stringify({ ready: true, ...ports })}\n`);
