// A browser (agent or supervisor tab) as a leg: a send transport carrying its microphone producer and a receive
// transport on which it hears consumers, both on one worker. mediasoup-client drives them through the edge.
import type { Actor } from '@parley/protos/parley/common/v1/actor';
import type { MediaLeg } from '@parley/protos/parley/common/v1/media';
import type { types } from 'mediasoup';
import type { WorkerSlot } from '../workers/worker-pool.js';
import type { Leg } from './leg.js';
import { LegListening } from './leg-listening.js';

export type PeerDirection = 'send' | 'recv';

export class BrowserPeer implements Leg {
  readonly key: string;
  readonly ref: MediaLeg;
  /** The browser mixes what it receives, so it hears every partner at once. */
  readonly listening = new LegListening(true);
  readonly transports: Partial<Record<PeerDirection, types.WebRtcTransport>> = {};
  audio: types.Producer | undefined;
  /** The Device's capabilities, from the receive transport's creation or the first Consume that names them. */
  rtpCapabilities: types.RtpCapabilities | undefined;
  /** Told of every consumer media makes for this peer by itself (not on the browser's own Consume). */
  onConsumer: ((consumer: types.Consumer) => void) | undefined;
  private ended = false;

  constructor(
    readonly id: string,
    readonly slot: WorkerSlot,
    readonly owner: Actor | undefined,
  ) {
    this.key = `peer:${id}`;
    this.ref = { peerId: id };
  }

  get closed(): boolean {
    return this.ended;
  }

  producer(): types.Producer | undefined {
    return this.audio && !this.audio.closed ? this.audio : undefined;
  }

  /**
   * Consumers start paused: the browser resumes them once its side is ready (ResumeConsumer). One media makes by
   * itself (a bridge, a conference…) is announced, so the edge can tell the browser; one the browser asked for
   * (`requested`) is in the Consume answer.
   */
  async hear(producerId: string, rtpCapabilities = this.rtpCapabilities, requested = false): Promise<types.Consumer> {
    const recv = this.transports.recv;
    if (!recv || recv.closed || !rtpCapabilities) throw new Error('peer has no receive transport or capabilities');
    const consumer = await recv.consume({ producerId, rtpCapabilities, paused: true });
    if (!requested) this.onConsumer?.(consumer);
    return consumer;
  }

  close(): void {
    this.ended = true;
    for (const transport of Object.values(this.transports)) if (!transport.closed) transport.close();
  }
}
