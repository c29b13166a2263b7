// The JetStream streams events live in: PARLEY_EVENTS (every domain event) and PARLEY_DLQ (parked poison messages).
// One events stream keeps cross-domain ordering per subject and lets one durable consumer read every domain.
import { nanos } from '@nats-io/transport-node';
import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';

export interface EventStreamsConfig {
  stream: string;
  /** Events are published to `<subjectPrefix>.<site>.<domain>.<type>`. */
  subjectPrefix: string;
  deadLetterStream: string;
  /** Parked messages go to `<deadLetterPrefix>.<durable consumer name>`. */
  deadLetterPrefix: string;
  /** How long a repeated Nats-Msg-Id is recognised as a duplicate. */
  duplicateWindowMs: number;
  /** How long events stay in the stream (consumers that fall further behind than this lose data). */
  maxAgeMs: number;
}

const day = 24 * 60 * 60 * 1000;

export const defaultEventStreams: EventStreamsConfig = {
  stream: 'PARLEY_EVENTS',
  subjectPrefix: 'parley.evt',
  deadLetterStream: 'PARLEY_DLQ',
  deadLetterPrefix: 'parley.dlq',
  duplicateWindowMs: 10 * 60 * 1000,
  maxAgeMs: 14 * day,
};

/** Creates the streams, or updates them to this configuration; safe to call from every replica on start. */
export async function ensureEventStreams(
  jsm: JetStreamManager,
  config: EventStreamsConfig = defaultEventStreams,
): Promise<void> {
  await upsertStream(jsm, {
    name: config.stream,
    subjects: [`${config.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(config.duplicateWindowMs),
    max_age: nanos(config.maxAgeMs),
  });
  await upsertStream(jsm, {
    name: config.deadLetterStream,
    subjects: [`${config.deadLetterPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(config.duplicateWindowMs),
    max_age: nanos(config.maxAgeMs * 2),
  });
}

/** Creates the stream, or updates what may change of an existing one (storage and retention are fixed at creation). */
export async function upsertStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  const existing = await jsm.streams.info(config.name).catch(() => undefined);
  if (!existing) {
    await jsm.streams.add(config);
    return;
  }
  const { name, storage: _storage, retention: _retention, ...updatable } = config;
  await jsm.streams.update(name, updatable);
}

/** Deletes the streams; for tests and tear-down only. */
export async function deleteEventStreams(jsm: JetStreamManager, config: EventStreamsConfig): Promise<void> {
  for (const name of [config.stream, config.deadLetterStream]) {
    await jsm.streams.delete(name).catch(() => false);
  }
}
