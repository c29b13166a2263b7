// The routing stand-in of the agent-socket bench, in a process of its own as routing is: it publishes the offers it
// is told to (offer-publisher.ts) and answers with when each publish started, on the system-wide monotonic clock the
// tabs stamp their receipts with. Its CPU and garbage stay out of both the API's figures and the tabs' timing.
import { jetstream } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, EventPublisher, type EventStreamsConfig } from '@parley/kit';
import { OfferPublisher, type PublishOutcome } from './offer-publisher.js';

export interface PublisherSettings {
  natsUrl: string;
  streams: EventStreamsConfig;
  site: string;
  agents: number;
}

export type PublisherRequest = {
  type: 'publish';
  mode: 'paced' | 'burst';
  offers: number[];
  rate: number;
  window: number;
};

export type PublisherReply =
  | { type: 'ready' }
  /** `sentAt[k]`: when the publish of `offers[k]` started; `error`: why publishing stopped, if it did. */
  | { type: 'published'; outcome: PublishOutcome; sentAt: number[]; error?: string };

const settingsArgument = process.argv[2];
if (!settingsArgument || !process.send) {
  throw new Error('publisher-process.ts is started by agent-socket-bench.ts (settings as JSON in argv, IPC channel)');
}
const settings = JSON.parse(settingsArgument) as PublisherSettings;
const reply = (message: PublisherReply) => process.send?.(message);

const nc = await connectNats({
  servers: [settings.natsUrl],
  name: 'agent-socket-bench-publisher',
  logger: createLogger({ service: 'bench-publisher', level: 'silent' }),
});
const publisher = new OfferPublisher(
  new EventPublisher(jetstream(nc), settings.streams, nc),
  settings.site,
  settings.agents,
);

process.on('message', (request: PublisherRequest) => {
  const publishing =
    request.mode === 'paced'
      ? publisher.paced(request.offers, request.rate, request.window)
      : publisher.burst(request.offers, request.window);
  publishing.then(
    ({ sentAt, ...outcome }) => reply({ type: 'published', outcome, sentAt }),
    (error: unknown) =>
      reply({
        type: 'published',
        outcome: { published: 0, failed: request.offers.length, seconds: 0 },
        sentAt: [],
        error: String(error),
      }),
  );
});
const stop = () => void closeNats(nc).finally(() => process.exit(0));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
reply({ type: 'ready' });
