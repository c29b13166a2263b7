// A call's IVR flow on real media: sipp's uac_pcap caller (7 s of A-law audio, then an RFC 4733 "1") reaches a DID
// whose flow is a menu. The menu prompt plays at media, the caller's key comes back from media's RFC 4733
// detection, the flow follows option 1, records what it learnt, and hands the call to the queue.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, waitFor, type TestEventStreams } from '@parley/kit/testing';
import type { startMediaService } from '@parley/media/service';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { PromptEndReason } from '@parley/protos/parley/events/v1/media_events';
import { PutFlowRequest, SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSipGatewayConfig } from '../../src/config.js';
import type { FlowOutcome, FlowRun } from '../../src/flows/flow-runner.js';
import { startSipGatewayService } from '../../src/sip-gateway-service.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeFlowsBucket, testFlowsBucket } from '../support/flows-bucket.js';
import { serviceEnvironment, startTestMedia } from '../support/services.js';
import { runSipp } from '../support/sipp.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');

const FLOWS_BUCKET = testFlowsBucket();
const logger = createLogger({ service: 'call-flow-test', level: 'silent' });
const MEDIA_DOMAIN = 'media-call-flow-test';
const DID = '+48221234500';
const GOODBYE_DID = '+48221234501';
let nc: NatsConnection;
let streams: TestEventStreams;
let media: Awaited<ReturnType<typeof startMediaService>>;
let gateway: Awaited<ReturnType<typeof startSipGatewayService>>;
const outcomes: { outcome: FlowOutcome; run: FlowRun }[] = [];

const environment = serviceEnvironment('krk');

const supportFlow = {
  schemaVersion: 1,
  start: 'menu',
  nodes: {
    // The key comes after sipp's 7 s of audio: the menu waits long enough for it.
    menu: {
      type: 'menu',
      prompt: 'main-menu',
      options: { '1': 'sales' },
      timeoutMs: 15_000,
      retries: 0,
      fallback: 'bye',
    },
    sales: { type: 'setAttributes', set: { intent: 'sales' }, next: 'queue' },
    queue: { type: 'enqueue', queue: 'support', priority: 3 },
    bye: { type: 'hangUp', prompt: 'goodbye' },
  },
};

// Closed for the night: say so and hang up.
const closedFlow = { schemaVersion: 1, start: 'bye', nodes: { bye: { type: 'hangUp', prompt: 'closed' } } };

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'call-flow-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  media = await startTestMedia({ site: 'krk', domain: MEDIA_DOMAIN, rtpPorts: 45000, streams });
  gateway = await startSipGatewayService({
    config: loadSipGatewayConfig({
      ...environment,
      SIP_HOST: '127.0.0.1',
      SIP_PORT: '0',
      SIP_MEDIA_RPC_DOMAIN: MEDIA_DOMAIN,
      SIP_RPC_DOMAIN: 'sip-gateway-call-flow-test',
      SIP_FLOWS_BUCKET: FLOWS_BUCKET,
      SIP_TRUNKS: JSON.stringify([
        {
          id: 'local',
          name: 'Local',
          sources: ['127.0.0.0/8'],
          maxCalls: 10,
          dids: { [DID]: 'support', [GOODBYE_DID]: 'closed' },
        },
      ]),
      SIP_FLOWS: JSON.stringify({ support: supportFlow, closed: closedFlow }),
    }),
    eventStreams: streams.config,
    handleSignals: false,
    onFlowOutcome: (_call, outcome, run) => outcomes.push({ outcome, run }),
  });
}, 30_000);

afterAll(async () => {
  await removeFlowsBucket(nc, FLOWS_BUCKET);
  await gateway?.stop();
  await media?.stop();
  await streams?.remove();
  await closeNats(nc);
});

/** Every event so far (the stream is this file's own). */
async function readAll(): Promise<Envelope[]> {
  const consumer = await jetstream(nc).consumers.get(streams.config.stream, {
    filter_subjects: `${streams.config.subjectPrefix}.>`,
  });
  const info = await consumer.info();
  const events: Envelope[] = [];
  if (info.num_pending === 0) return events;
  const messages = await consumer.consume();
  for await (const message of messages) {
    events.push(Envelope.decode(message.data));
    if (message.info.pending === 0) break;
  }
  return events;
}

describe('a call through its flow', () => {
  it('plays the menu at media, takes the caller’s RFC 4733 key and follows it to the queue', async () => {
    const run = await runSipp(['-sn', 'uac_pcap', '-s', DID, `127.0.0.1:${gateway.endpoint.port}`, '-m', '1'], 30_000);
    expect(run.exitCode, run.output).toBe(0);
    const [result] = await waitFor(() => (outcomes.length > 0 ? outcomes : undefined), { timeoutMs: 5_000 });
    expect(result!.outcome).toMatchObject({
      kind: 'enqueue',
      nodeId: 'queue',
      node: { queue: 'support', priority: 3 },
    });
    expect(result!.run.path).toEqual(['menu', 'sales', 'queue']);

    const consumer = await jetstream(nc).consumers.get(streams.config.stream, {
      filter_subjects: `${streams.config.subjectPrefix}.>`,
    });
    const events: Envelope[] = [];
    const messages = await consumer.consume();
    const giveUp = setTimeout(() => void messages.close(), 5_000);
    for await (const message of messages) {
      events.push(Envelope.decode(message.data));
      if (events.some((event) => event.type === 'media.endpoint_closed')) break;
    }
    clearTimeout(giveUp);
    const menuPrompt = events.find((event) => event.type === 'media.prompt_finished')?.mediaPromptFinished;
    expect(menuPrompt?.reason).toBe(PromptEndReason.PROMPT_END_REASON_COMPLETED);
    expect(Number(menuPrompt?.playedMs)).toBeGreaterThan(3_000);
    const attributes = events.find((event) => event.type === 'interaction.attributes_updated');
    expect(attributes?.interactionAttributesUpdated?.set).toEqual({ intent: 'sales' });
    expect(attributes?.site).toBe('krk');
  }, 40_000);

  it('plays the closing message and hangs up with our own BYE, releasing the media', async () => {
    // The flow stored through PutFlow wins over the configured one, and its version is in ivr_started.
    const client = createNatsRpcClient(nc, SipGatewayServiceService, { domain: 'sip-gateway-call-flow-test' });
    const stored = await client.putFlow(
      PutFlowRequest.fromPartial({
        flow: { id: 'closed', displayName: 'Closed', documentJson: JSON.stringify(closedFlow) },
      }),
    );
    expect(stored.flow?.version).toBe(1);
    const before = gateway.endpoint.counts.hungUp;
    const run = await runSipp(
      [
        '-sf',
        path.join(scenarios, 'caller-is-hung-up.xml'),
        '-s',
        GOODBYE_DID,
        `127.0.0.1:${gateway.endpoint.port}`,
        '-m',
        '1',
      ],
      30_000,
    );
    expect(run.exitCode, run.output).toBe(0);
    expect(gateway.endpoint.counts.hungUp).toBe(before + 1);
    expect(gateway.endpoint.activeDialogs).toBe(0);
    const [result] = await waitFor(() => {
      const found = outcomes.filter((entry) => entry.outcome.nodeId === 'bye');
      return found.length > 0 ? found : undefined;
    });
    expect(result!.outcome.kind).toBe('hangUp');
    await waitFor(() => media.engine.graph.endpoints.size === 0 || undefined, { description: 'media released' });
    const started = await readAll();
    const flows = started
      .filter((event) => event.type === 'interaction.ivr_started')
      .map((event) => event.interactionIvrStarted);
    expect(flows).toEqual([
      { flowId: 'support', flowVersion: 0 },
      { flowId: 'closed', flowVersion: 1 },
    ]);
  }, 40_000);
});
