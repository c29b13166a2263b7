// A test's stand-in for another service, served over the test NATS on the domain the API calls it on: the methods the
// test gives, every other one UNIMPLEMENTED. For what a real service cannot do in a test (a SIP gateway with a live
// call) or need not (history answering an empty search).
import {
  createLogger,
  methodsOf,
  NatsRpcServer,
  ParleyError,
  Status,
  type ContractDefinition,
  type ContractHandlers,
  type NatsConnection,
} from '@parley/kit';

export async function serveStandIn<Definition extends ContractDefinition>(
  nc: NatsConnection,
  definition: Definition,
  domain: string,
  handlers: Partial<ContractHandlers<Definition>>,
): Promise<NatsRpcServer> {
  const server = new NatsRpcServer(nc, createLogger({ service: 'stand-in', level: 'silent' }));
  const given = handlers as Record<string, unknown>;
  const every = Object.fromEntries(
    methodsOf(definition).map((method) => [
      method.key,
      given[method.key] ??
        (() => {
          throw new ParleyError('PARLEY_TEST_UNIMPLEMENTED', `the stand-in does not serve ${method.name}`, {
            status: Status.UNIMPLEMENTED,
          });
        }),
    ]),
  );
  server.serve(definition, every as ContractHandlers<Definition>, { domain });
  await nc.flush();
  return server;
}
