// Events on the real JetStream: de-duplication by id, redelivery of failures, dead-lettering, durable resume.
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  closeNats,
  connectNats,
  deadLetterSubject,
  DurableEventConsumer,
  EventPublisher,
  InvalidArgumentError,
  type EventStreamsConfig,
  type NatsConnection,
} from '../../src/index.js';
import { createTestEventStreams, testNatsUrl, waitFor, type TestEventStreams } from '../../src/testing/index.js';
import { testLogger } from '../support/quiet-logger.js';

let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let streams: TestEventStreams;
let config: EventStreamsConfig;
let publisher: EventPublisher;

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'kit-events-test', logger: testLogger });
  jsm = await jetstreamManager(nc);
  js = jetstream(nc);
  streams = await createTestEventStreams(jsm);
  config = streams.config;
  publisher = new EventPublisher(js, config);
});

afterAll(async () => {
  await streams?.remove();
  await closeNats(nc);
});

function event(type = 'interaction.queued', interactionId = ulid()): Envelope {
  return Envelope.fromPartial({ id: ulid(), type, site: 'waw', occurredAt: new Date(), interactionId });
}

async function storedCount(): Promise<number> {
  return (await jsm.streams.info(config.stream)).state.messages;
}

describe('kit events', () => {
  it('stores an event published twice with one id once', async () => {
    const before = await storedCount();
    const envelope = event();
    const first = await publisher.publish(envelope);
    const second = await publisher.publish(envelope);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.sequence).toBe(first.sequence);
    expect(await storedCount()).toBe(before + 1);
    const stored = await jsm.streams.getMessage(config.stream, { seq: first.sequence });
    expect(stored?.subject).toBe(`${config.subjectPrefix}.waw.interaction.queued`);
    expect(stored?.header.get('Nats-Msg-Id')).toBe(envelope.id);
    expect(Envelope.decode(stored!.data).interactionId).toBe(envelope.interactionId);
  });

  it('rejects an envelope without id or with a bad type or site, naming each field', async () => {
    const bad = Envelope.fromPartial({ id: '', type: 'Queued', site: 'w.a.w', occurredAt: new Date() });
    const error = await publisher.publish(bad).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).fieldViolations.map((v) => v.field)).toEqual(['id', 'type', 'site']);
  });

  it('redelivers an event whose handler throws, and acks once it succeeds', async () => {
    const name = `redeliver_${ulid().toLowerCase()}`;
    const target = event('agent.state_changed');
    const attempts: number[] = [];
    const consumer = await DurableEventConsumer.start({
      js,
      jsm,
      streams: config,
      name,
      filterSubject: `${config.subjectPrefix}.*.agent.>`,
      logger: testLogger,
      backoffMs: [20],
      handler: async (envelope, delivery) => {
        if (envelope.id !== target.id) return;
        attempts.push(delivery.deliveryCount);
        if (delivery.deliveryCount < 3) throw new Error('database briefly unavailable');
      },
    });
    await publisher.publish(target);
    await waitFor(() => attempts.length === 3, { description: 'three deliveries' });
    await consumer.close();
    expect(attempts).toEqual([1, 2, 3]);
    await waitFor(async () => (await jsm.consumers.info(config.stream, name)).num_ack_pending === 0, {
      description: 'ack to settle',
    });
    const info = await jsm.consumers.info(config.stream, name);
    expect(info.num_pending).toBe(0);
  });

  it('parks a message on the dead-letter subject after N failed deliveries and moves on', async () => {
    const name = `poison_${ulid().toLowerCase()}`;
    const poison = event('media.dtmf_received');
    const healthy = event('media.dtmf_received');
    const handled: string[] = [];
    const consumer = await DurableEventConsumer.start({
      js,
      jsm,
      streams: config,
      name,
      filterSubject: `${config.subjectPrefix}.*.media.>`,
      logger: testLogger,
      maxDeliveries: 3,
      backoffMs: [10],
      handler: async (envelope) => {
        if (envelope.id === poison.id) throw new Error('cannot handle this one');
        handled.push(envelope.id);
      },
    });
    await publisher.publish(poison);
    await publisher.publish(healthy);
    await waitFor(() => handled.includes(healthy.id), { description: 'the healthy event' });
    const parked = await waitFor(
      () =>
        jsm.streams
          .getMessage(config.deadLetterStream, { last_by_subj: deadLetterSubject(config, name) })
          .catch(() => null),
      { description: 'the parked message' },
    );
    // Terminated on the server too: nothing left pending to come back after the ack wait.
    await waitFor(async () => (await jsm.consumers.info(config.stream, name)).num_ack_pending === 0, {
      timeoutMs: 3_000,
      description: 'the parked message to be terminated',
    });
    await consumer.close();
    expect(Envelope.decode(parked.data).id).toBe(poison.id);
    expect(parked.header.get('Parley-Dlq-Deliveries')).toBe('3');
    expect(decodeURIComponent(parked.header.get('Parley-Dlq-Error'))).toBe('cannot handle this one');
    expect(parked.header.get('Parley-Dlq-Subject')).toBe(`${config.subjectPrefix}.waw.media.dtmf_received`);
  });

  it('parks a stored event whose headers cannot be read, without stopping the consumer', async () => {
    const name = `badheaders_${ulid().toLowerCase()}`;
    const handled: string[] = [];
    const consumer = await DurableEventConsumer.start({
      js,
      jsm,
      streams: config,
      name,
      filterSubject: `${config.subjectPrefix}.*.customer.>`,
      logger: testLogger,
      handler: async (envelope) => {
        handled.push(envelope.id);
      },
    });
    const broken = event('customer.merged');
    // Stored with a header block nats.js refuses to parse (a header name with a space).
    await js.publish(`${config.subjectPrefix}.waw.customer.merged`, Envelope.encode(broken).finish(), {
      msgID: broken.id,
      headers: Object.assign(natsHeaders(), {
        encode: () => new TextEncoder().encode('NATS/1.0\r\nbad key: x\r\n\r\n'),
      }),
    });
    const healthy = event('customer.merged');
    await publisher.publish(healthy);
    await waitFor(() => handled.includes(healthy.id), { description: 'the event after the broken one' });
    const parked = await waitFor(
      () =>
        jsm.streams
          .getMessage(config.deadLetterStream, { last_by_subj: deadLetterSubject(config, name) })
          .catch(() => null),
      { description: 'the parked message' },
    );
    await consumer.close();
    expect(handled).not.toContain(broken.id);
    expect(Envelope.decode(parked.data).id).toBe(broken.id);
  });

  it('resumes a restarted durable consumer where it stopped: nothing missed, nothing acked is redone', async () => {
    // The guarantee is at-least-once with acked work never repeated; handlers make the effect exactly-once.
    const name = `resume_${ulid().toLowerCase()}`;
    const total = 300;
    const events = Array.from({ length: total }, () => event('recording.stored'));
    await publisher.publishAll(events);
    const handledBy: { phase: 1 | 2; id: string; at: number }[] = [];
    let phase: 1 | 2 = 1;
    let releaseGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (releaseGate = resolve));
    let waitingAtGate = false;
    const ackWaitMs = 4_000;
    const start = () =>
      DurableEventConsumer.start({
        js,
        jsm,
        streams: config,
        name,
        filterSubject: `${config.subjectPrefix}.*.recording.>`,
        logger: testLogger,
        ackWaitMs,
        prefetch: 16,
        handler: async (envelope) => {
          if (phase === 1 && handledBy.length === 100) {
            waitingAtGate = true;
            await gate; // the 101st event is in hand when the consumer is closed
          }
          handledBy.push({ phase, id: envelope.id, at: Date.now() });
        },
      });
    const first = await start();
    await waitFor(() => waitingAtGate, { description: 'the first consumer to hold its 101st event' });
    const closing = first.close();
    releaseGate();
    await closing;
    const ackedInPhaseOne = new Set(handledBy.map((h) => h.id));
    expect(ackedInPhaseOne.size).toBe(101); // the event in hand was finished, the prefetched ones were not

    phase = 2;
    const restartedAt = Date.now();
    const second = await start();
    const distinct = () => new Set(handledBy.map((h) => h.id)).size;
    await waitFor(() => distinct() === total, { timeoutMs: 15_000, description: `all ${total} events` });
    await second.close();

    const phaseTwo = handledBy.filter((h) => h.phase === 2);
    expect(phaseTwo.some((h) => ackedInPhaseOne.has(h.id))).toBe(false); // acked work is never redone
    expect(events.every((e) => handledBy.some((h) => h.id === e.id))).toBe(true); // nothing missed
    // Prefetched events were handed back on close, not left to the ack timeout.
    expect(Math.min(...phaseTwo.map((h) => h.at)) - restartedAt).toBeLessThan(ackWaitMs / 2);
  });
});
