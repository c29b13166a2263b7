// Where every leg lives and how audio crosses workers: legs by key, browser transports and consumers by id, one
// DirectTransport per worker (prompt producers, DTMF taps), and producers piped to other routers on demand
// (pipeToRouter, cached per producer and router; mediasoup closes the pipe when its producer closes).
import type { types } from 'mediasoup';
import type { WorkerSlot } from '../workers/worker-pool.js';
import type { BrowserPeer, PeerDirection } from './browser-peer.js';
import type { Leg } from './leg.js';
import type { RtpEndpoint } from './rtp-endpoint.js';

export class MediaGraph {
  readonly legs = new Map<string, Leg>();
  readonly endpoints = new Map<string, RtpEndpoint>();
  readonly peers = new Map<string, BrowserPeer>();
  readonly transports = new Map<string, { peer: BrowserPeer; direction: PeerDirection }>();
  readonly peerConsumers = new Map<string, { peer: BrowserPeer; consumer: types.Consumer }>();
  private readonly directs = new Map<WorkerSlot, Promise<types.DirectTransport>>();
  private readonly pipes = new Map<string, Promise<void>>();

  addLeg(leg: Leg): void {
    this.legs.set(leg.key, leg);
    leg.slot.legs += 1;
  }

  removeLeg(leg: Leg): void {
    if (this.legs.get(leg.key) !== leg) return;
    this.legs.delete(leg.key);
    leg.slot.legs -= 1;
  }

  /** A consumer on a browser, so its ResumeConsumer finds it; forgotten when it closes. */
  trackPeerConsumer(peer: BrowserPeer, consumer: types.Consumer): void {
    this.peerConsumers.set(consumer.id, { peer, consumer });
    consumer.observer.once('close', () => this.peerConsumers.delete(consumer.id));
  }

  forgetPeer(peer: BrowserPeer): void {
    this.peers.delete(peer.id);
    for (const [id, entry] of this.transports) if (entry.peer === peer) this.transports.delete(id);
    for (const [id, entry] of this.peerConsumers) if (entry.peer === peer) this.peerConsumers.delete(id);
  }

  legsOn(slot: WorkerSlot): Leg[] {
    return [...this.legs.values()].filter((leg) => leg.slot === slot);
  }

  direct(slot: WorkerSlot): Promise<types.DirectTransport> {
    let direct = this.directs.get(slot);
    if (!direct) {
      direct = slot.router.createDirectTransport();
      this.directs.set(slot, direct);
      direct.catch(() => this.directs.delete(slot));
      void direct.then((transport) => transport.observer.once('close', () => this.directs.delete(slot)));
    }
    return direct;
  }

  /** Makes `producer` (living on `from`) available in `to`'s router under the same id. */
  async reach(producer: types.Producer, from: WorkerSlot, to: WorkerSlot): Promise<void> {
    if (from.router === to.router) return;
    const key = `${producer.id}>${to.router.id}`;
    let pipe = this.pipes.get(key);
    if (!pipe) {
      pipe = from.router.pipeToRouter({ producerId: producer.id, router: to.router }).then(() => undefined);
      this.pipes.set(key, pipe);
      pipe.catch(() => this.pipes.delete(key));
      producer.observer.once('close', () => this.pipes.delete(key));
    }
    await pipe;
  }
}
