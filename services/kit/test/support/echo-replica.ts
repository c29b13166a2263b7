// A stand-alone replica of the echo contract over NATS, run as a child process by the failover test.
import { closeNats, connectNats, createLogger, NatsRpcServer } from '../../src/index.js';
import { EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';
import { createEchoHandlers } from './echo-handlers.js';

const [natsUrl = 'nats://127.0.0.1:4222', domain = 'kittest', replicaId = 'replica'] = process.argv.slice(2);
const logger = createLogger({ service: replicaId, level: 'warn' });
const nc = await connectNats({ servers: [natsUrl], name: replicaId, logger });
const server = new NatsRpcServer(nc, logger);
server.serve(EchoServiceService, createEchoHandlers(replicaId), { domain });
await nc.flush();
process.stdout.write(`ready ${replicaId}\n`);
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => closeNats(nc))
    .then(() => process.exit(0));
});
