// The runner's last start-up step: decide whether demo data applies, then seed it and say how to use it.
import type { RunnerConfig } from './config.js';
import { demoHintLine, seedDemoData } from './demo-data.js';
import { DEMO_FLOW_ID, DEMO_SITE } from './demo-records.js';
import { LocalRunnerError } from './errors.js';
import type { Output } from './output.js';
import { connectServices, describeError } from './service-rpc.js';
import { clearCallsLeftBehind } from './stale-calls.js';
import type { RunningService } from './service-process.js';

/** Services start in seconds, but a cold tsx compile on a busy 2-core machine has taken close to a minute. */
const SERVICES_ANSWER_TIMEOUT_MS = 120_000;
const NEEDED_SERVICES = ['routing', 'sip-gateway'] as const;

export interface DemoStepOptions {
  readonly config: RunnerConfig;
  readonly natsUrl: string;
  readonly running: readonly RunningService[];
  readonly output: Output;
  /** The runner stopping. */
  readonly signal: AbortSignal;
}

/** Seeds the demo data unless switched off or not applicable (says why); throws LocalRunnerError on failure. */
export async function runDemoStep(options: DemoStepOptions): Promise<void> {
  const { config, output } = options;
  if (!config.demoData) {
    output.info('demo data skipped (PARLEY_DEMO_DATA=false)');
    return;
  }
  if (config.site !== DEMO_SITE) {
    output.info(
      `demo data skipped: it is for site ${DEMO_SITE}, where the demo users work; PARLEY_SITE is ${config.site}`,
    );
    return;
  }
  const missing = NEEDED_SERVICES.filter((name) => !options.running.some((service) => service.name === name));
  if (missing.length > 0) {
    output.info(`demo data skipped: no ${missing.join(' or ')} service among the packages started`);
    return;
  }

  // A needed service that dies while we wait ends the wait with its name, not after the timeout.
  const exited = new AbortController();
  for (const service of options.running) {
    if (!(NEEDED_SERVICES as readonly string[]).includes(service.name)) continue;
    void service.closed.then(() =>
      exited.abort(
        new LocalRunnerError(
          'PARLEY_LOCAL_DEMO_SERVICES_UNREACHABLE',
          `service ${service.name} exited before the demo data was in (see its lines above)`,
        ),
      ),
    );
  }

  const { services } = config;
  output.info(
    `demo: waiting for routing (${services.routingRpcDomain}) and sip-gateway (${services.sipGatewayRpcDomain}) ` +
      'to answer over NATS',
  );
  const domains = { routing: services.routingRpcDomain, sipGateway: services.sipGatewayRpcDomain };
  const clients = await connectServices(options.natsUrl, domains);
  try {
    await seedDemoData({
      clients,
      domains,
      waitTimeoutMs: SERVICES_ANSWER_TIMEOUT_MS,
      signal: AbortSignal.any([options.signal, exited.signal]),
      report: (line) => output.info(line),
    });
    try {
      await clearCallsLeftBehind(clients, config.site, (line) => output.info(line));
    } catch (error) {
      throw new LocalRunnerError(
        'PARLEY_LOCAL_DEMO_DATA_FAILED',
        `cannot clear the calls an earlier run left behind: ${describeError(error)}`,
        { cause: error },
      );
    }
  } finally {
    await clients.close();
  }
  if (services.sipTrunks) {
    output.info(`demo: SIP_TRUNKS is set, so only trunk DIDs are answered: map one to the flow "${DEMO_FLOW_ID}"`);
  }
  // Listening on every address still means a caller on this machine dials loopback.
  const reachable = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  output.info(
    demoHintLine({
      apiUrl: `http://${reachable(services.apiHost)}:${services.apiPort}`,
      sipHost: reachable(services.sipHost),
      sipPort: services.sipPort,
    }),
  );
}
