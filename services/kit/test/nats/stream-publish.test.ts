// Publishing to a JetStream stream over the reply mux, on real NATS: acks with sequences, de-duplication by id, the
// last-sequence fence, and clear errors when nothing stores the subject.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, publishToStream, StreamPublishError, type NatsConnection } from '../../src/index.js';
import { testNatsUrl, uniqueName } from '../../src/testing/index.js';
import { testLogger } from '../support/quiet-logger.js';

let nc: NatsConnection;
let jsm: JetStreamManager;
const stream = uniqueName('PUB').toUpperCase();
const subject = `${stream.toLowerCase()}.x`;
const data = new TextEncoder().encode('payload');

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'kit-stream-publish-test', logger: testLogger });
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [subject] });
});

afterAll(async () => {
  await jsm.streams.delete(stream).catch(() => false);
  await closeNats(nc);
});

describe('publishToStream', () => {
  it('stores messages in order and reports a duplicate id as stored once', async () => {
    const acks = await Promise.all([1, 2, 3].map((n) => publishToStream(nc, subject, data, { msgID: `m${n}` })));
    expect(acks.map((ack) => ack.seq)).toEqual([1, 2, 3]);
    expect(acks.every((ack) => ack.stream === stream && !ack.duplicate)).toBe(true);
    const again = await publishToStream(nc, subject, data, { msgID: 'm2' });
    expect(again).toEqual({ stream, seq: 2, duplicate: true });
    expect((await jsm.streams.info(stream)).state.messages).toBe(3);
  });

  it('refuses a message whose expected last sequence is not the stream’s', async () => {
    const last = (await jsm.streams.info(stream)).state.last_seq;
    await expect(publishToStream(nc, subject, data, { expectLastSequence: last })).resolves.toMatchObject({
      seq: last + 1,
    });
    const refused = await publishToStream(nc, subject, data, { expectLastSequence: last }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StreamPublishError);
    expect(refused).toMatchObject({ errCode: 10071 }); // wrong last sequence
    expect((await jsm.streams.info(stream)).state.last_seq).toBe(last + 1);
  });

  it('says so when no stream stores the subject', async () => {
    const error = await publishToStream(nc, `${subject}.nowhere`, data, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamPublishError);
    expect((error as Error).message).toMatch(/no stream stores/);
  });
});
