// The API service alone in a child process of the agent-socket bench, so the bench's own 2,000 client sockets do not
// weigh on its memory and CPU figures. It is main.ts plus two things main.ts cannot do: the bench's own event, audit,
// chat and presence streams (main.ts always uses PARLEY_EVENTS, PARLEY_AUDIT…: the bench's must not land there), and
// answers to the bench over IPC — its ports, its memory after a full GC (--expose-gc), its event-loop delay and GC pauses.
import type { EventStreamsConfig } from '@parley/kit';
import { startApiService } from '../src/api-service.js';
import type { AuditStreamConfig } from '../src/audit/audit-log.js';
import type { ChatStorageConfig } from '../src/chat/chat-storage.js';
import type { PresenceConfig } from '../src/agent-session/agent-presence.js';
import { loadApiConfig } from '../src/config.js';
import { PauseMonitor, type Pauses } from './pauses.js';

/** The streams the bench made for this run, passed as JSON in argv. */
export interface BenchStreams {
  events: EventStreamsConfig;
  audit: AuditStreamConfig;
  chat: ChatStorageConfig;
  presence: PresenceConfig;
}

export type ApiProcessRequest = { type: 'memory' } | { type: 'pauses-reset' } | { type: 'pauses-read' };

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export type ApiProcessReply =
  | { type: 'started'; url: string; opsPort: number }
  | ({ type: 'memory'; collected: boolean } & MemoryFigures)
  | ({ type: 'pauses' } & Pauses);

const streamsArgument = process.argv[2];
if (!streamsArgument || !process.send) {
  throw new Error('api-process.ts is started by agent-socket-bench.ts (event streams as JSON in argv, IPC channel)');
}
const reply = (message: ApiProcessReply) => process.send?.(message);

const streams = JSON.parse(streamsArgument) as BenchStreams;
const service = await startApiService({
  config: loadApiConfig(),
  eventStreams: streams.events,
  auditStream: streams.audit,
  chatStorage: streams.chat,
  presence: streams.presence,
});
const pauses = new PauseMonitor();

process.on('message', (request: ApiProcessRequest) => {
  switch (request.type) {
    case 'memory': {
      const gc = (globalThis as { gc?: () => void }).gc;
      // Twice: the first pass can leave objects that only the second finds unreachable (weak references).
      gc?.();
      gc?.();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      reply({ type: 'memory', collected: Boolean(gc), rss, heapUsed, heapTotal, external, arrayBuffers });
      return;
    }
    case 'pauses-reset':
      pauses.reset();
      reply({ type: 'pauses', ...pauses.read() });
      return;
    case 'pauses-read':
      reply({ type: 'pauses', ...pauses.read() });
      return;
  }
});
// The bench gone (crashed, killed) means nobody will stop this process: stop with it.
process.on('disconnect', () => {
  void service.stop().finally(() => process.exit(0));
});
reply({ type: 'started', url: service.url, opsPort: service.ports.httpPort });
