// The media engine on real mediasoup workers, without the service host: for tests that drive it directly and read
// the events it would publish.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { PromptStore } from '../../src/audio/prompt-store.js';
import { MediaEngine } from '../../src/media-engine.js';
import { PeerSignalling } from '../../src/peer-signalling.js';
import { WorkerPool } from '../../src/workers/worker-pool.js';

export const promptsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sip-gateway/prompts/en');

export interface MediaFixture {
  pool: WorkerPool;
  engine: MediaEngine;
  peers: PeerSignalling;
  events: Envelope[];
  close(): void;
}

export async function startMediaFixture(
  options: { workers?: number; respawnDelayMs?: number; rtpTimeoutMs?: number } = {},
) {
  const events: Envelope[] = [];
  const publish = (envelope: Envelope) => events.push(envelope);
  const deaths: { engine?: MediaEngine } = {};
  const pool = await WorkerPool.start({
    workers: options.workers ?? 2,
    rtpMinPort: 41_000,
    rtpMaxPort: 41_999,
    respawnDelayMs: options.respawnDelayMs ?? 200,
    onWorkerDied: (slot, error) => deaths.engine?.workerDied(slot, error),
  });
  const engine = new MediaEngine(pool, {
    site: 'test',
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    defaultHoldMusic: 'builtin/hold-music',
    rtpTimeoutMs: options.rtpTimeoutMs ?? 0,
    prompts: new PromptStore(promptsDir),
    publish,
  });
  deaths.engine = engine;
  const peers = new PeerSignalling(engine, {
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    site: 'test',
    publish,
  });
  return {
    pool,
    engine,
    peers,
    events,
    close() {
      engine.close();
      pool.close();
    },
  } satisfies MediaFixture;
}
