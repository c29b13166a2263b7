// Event streams of its own for one test file: unique stream names and subject prefix, deleted on dispose, so test
// files never see each other's events or the real PARLEY_EVENTS stream.
import type { JetStreamManager } from '@nats-io/jetstream';
import { deleteEventStreams, ensureEventStreams, type EventStreamsConfig } from '../events/event-streams.js';
import { uniqueName } from './unique-name.js';

export interface TestEventStreams {
  config: EventStreamsConfig;
  remove(): Promise<void>;
}

export async function createTestEventStreams(
  jsm: JetStreamManager,
  overrides: Partial<EventStreamsConfig> = {},
): Promise<TestEventStreams> {
  const id = uniqueName('t');
  const config: EventStreamsConfig = {
    stream: `${id.toUpperCase()}_EVENTS`,
    subjectPrefix: `${id}.evt`,
    deadLetterStream: `${id.toUpperCase()}_DLQ`,
    deadLetterPrefix: `${id}.dlq`,
    duplicateWindowMs: 60_000,
    maxAgeMs: 60 * 60 * 1000,
    ...overrides,
  };
  await ensureEventStreams(jsm, config);
  return { config, remove: () => deleteEventStreams(jsm, config) };
}
