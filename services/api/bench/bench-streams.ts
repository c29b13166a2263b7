// The streams and buckets a bench's API process uses, under names of the run (so nothing lands in PARLEY_EVENTS,
// PARLEY_AUDIT or the chats of a local deployment), and their removal at the end.
import type { JetStreamManager } from '@nats-io/jetstream';
import { createTestEventStreams } from '@parley/kit/testing';
import type { BenchStreams } from './api-process.js';

export async function createBenchStreams(
  jsm: JetStreamManager,
  site: string,
  presenceTtlMs = 30_000,
): Promise<{ streams: BenchStreams; remove: () => Promise<void> }> {
  const events = await createTestEventStreams(jsm);
  const streams: BenchStreams = {
    events: events.config,
    audit: { stream: `${site.toUpperCase()}_AUDIT`, subjectPrefix: `${site}.audit`, maxAgeMs: 3_600_000 },
    chat: {
      stream: `${site.toUpperCase()}_CHATS`,
      subjectPrefix: `${site}.chat`,
      bucket: `${site}_chats`,
      maxAgeMs: 3_600_000,
    },
    presence: { bucket: `${site}_presence`, ttlMs: presenceTtlMs },
  };
  const remove = async () => {
    await events.remove();
    // The API made these; a KV bucket is the stream KV_<bucket>.
    const made = [
      streams.audit.stream,
      streams.chat.stream,
      `KV_${streams.chat.bucket}`,
      `KV_${streams.presence.bucket}`,
    ];
    for (const name of made) await jsm.streams.delete(name).catch(() => false);
  };
  return { streams, remove };
}
