// EventFeed on the test NATS: events reach the listeners of their key (every one of them), not others; a listener
// that stopped hears nothing more; an undecodable message is reported, and the feed goes on.
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, createLogger, EventFeed, type NatsConnection } from '../../src/index.js';
import { testNatsUrl, uniqueName, waitFor } from '../../src/testing/index.js';

let nc: NatsConnection;
const subject = `${uniqueName('feed')}.media`;

beforeAll(async () => {
  nc = await connectNats({
    servers: [testNatsUrl],
    name: 'event-feed-test',
    logger: createLogger({ service: 't', level: 'silent' }),
  });
});
afterAll(async () => {
  await closeNats(nc);
});

const event = (callId: string, id: string) =>
  Envelope.encode(Envelope.fromPartial({ id, type: 'media.dtmf_received', callId })).finish();

describe('EventFeed', () => {
  it('hands each event to the listeners of its key only, until they stop', async () => {
    const bad: unknown[] = [];
    const feed = new EventFeed(
      nc,
      `${subject}.>`,
      (envelope) => envelope.callId,
      (error) => bad.push(error),
    );
    const first: string[] = [];
    const second: string[] = [];
    const other: string[] = [];
    const stopFirst = feed.listen('call-1', (envelope) => first.push(envelope.id));
    feed.listen('call-1', (envelope) => second.push(envelope.id));
    feed.listen('call-2', (envelope) => other.push(envelope.id));
    await nc.flush();
    nc.publish(`${subject}.a`, event('call-1', 'e1'));
    nc.publish(`${subject}.a`, new Uint8Array([0xff, 0xff, 0xff]));
    await waitFor(() => (second.length === 1 && bad.length === 1) || undefined);
    stopFirst();
    nc.publish(`${subject}.a`, event('call-1', 'e2'));
    await waitFor(() => second.length === 2 || undefined);
    expect(first).toEqual(['e1']);
    expect(second).toEqual(['e1', 'e2']);
    expect(other).toEqual([]);
    feed.close();
  });
});
