// Bridges: two legs that hear each other. Each side hears the other through a consumer on its own transport (the
// partner's producer piped across workers when needed). Idempotent by bridge id; one bridge per pair of legs.
import type { types } from 'mediasoup';
import { failedPrecondition, MediaErrorCode } from '../errors.js';
import { BrowserPeer } from '../legs/browser-peer.js';
import type { Leg } from '../legs/leg.js';
import type { MediaGraph } from '../legs/media-graph.js';
import type { WorkerSlot } from '../workers/worker-pool.js';

export interface Bridge {
  id: string;
  interactionId: string;
  a: Leg;
  b: Leg;
  startedAt: Date;
  /** Consumers created on browser peers, to be signalled to them. */
  peerConsumers: { peer: Leg; consumer: types.Consumer; source: Leg }[];
}

export type UnbridgeReason = 'requested' | 'leg_closed' | 'worker_died';

export class Bridges {
  private readonly byId = new Map<string, Bridge>();
  private readonly pending = new Map<string, Promise<Bridge>>();

  constructor(
    private readonly graph: MediaGraph,
    private readonly onUnbridged: (bridge: Bridge, reason: UnbridgeReason) => void,
  ) {}

  get(id: string): Bridge | undefined {
    return this.byId.get(id);
  }

  count(): number {
    return this.byId.size;
  }

  /** Bridges with a leg on the worker. */
  countOn(slot: WorkerSlot): number {
    return [...this.byId.values()].filter((bridge) => bridge.a.slot === slot || bridge.b.slot === slot).length;
  }

  /** Bridges a leg takes part in. */
  of(leg: Leg): Bridge[] {
    return [...this.byId.values()].filter((bridge) => bridge.a === leg || bridge.b === leg);
  }

  between(a: Leg, b: Leg): Bridge | undefined {
    return this.of(a).find((bridge) => bridge.a === b || bridge.b === b);
  }

  /** Creates the bridge, or returns the existing one with this id. */
  bridge(id: string, interactionId: string, a: Leg, b: Leg): Promise<{ bridge: Bridge; created: boolean }> {
    const existing = this.byId.get(id);
    if (existing) return Promise.resolve({ bridge: existing, created: false });
    let pending = this.pending.get(id);
    if (pending) return pending.then((bridge) => ({ bridge, created: false }));
    const other = this.between(a, b);
    if (other) {
      return Promise.reject(
        failedPrecondition(MediaErrorCode.ALREADY_BRIDGED, `the legs are already bridged as "${other.id}"`),
      );
    }
    pending = this.connect(id, interactionId, a, b);
    this.pending.set(id, pending);
    return pending.then((bridge) => ({ bridge, created: true })).finally(() => this.pending.delete(id));
  }

  unbridge(id: string, reason: UnbridgeReason): Bridge | undefined {
    const bridge = this.byId.get(id);
    if (!bridge) return undefined;
    this.byId.delete(id);
    void bridge.a.listening.remove(sourceKey(bridge));
    void bridge.b.listening.remove(sourceKey(bridge));
    this.onUnbridged(bridge, reason);
    return bridge;
  }

  /** Ends every bridge of a leg that is gone. */
  legGone(leg: Leg, reason: UnbridgeReason): void {
    for (const bridge of this.of(leg)) this.unbridge(bridge.id, reason);
  }

  private async connect(id: string, interactionId: string, a: Leg, b: Leg): Promise<Bridge> {
    const fromA = a.producer();
    const fromB = b.producer();
    if (!fromA || !fromB) {
      const missing = fromA ? b : a;
      throw failedPrecondition(MediaErrorCode.PEER_NOT_READY, `leg ${missing.key} has no audio producer yet`);
    }
    await Promise.all([this.graph.reach(fromB, b.slot, a.slot), this.graph.reach(fromA, a.slot, b.slot)]);
    const [aHearsB, bHearsA] = await Promise.all([a.hear(fromB.id), b.hear(fromA.id)]);
    const bridge: Bridge = { id, interactionId, a, b, startedAt: new Date(), peerConsumers: [] };
    const key = sourceKey(bridge);
    await Promise.all([
      a.listening.add(key, 'partner', aHearsB, a instanceof BrowserPeer),
      b.listening.add(key, 'partner', bHearsA, b instanceof BrowserPeer),
    ]);
    for (const [peer, consumer, source] of [
      [a, aHearsB, b],
      [b, bHearsA, a],
    ] as const) {
      if (!(peer instanceof BrowserPeer)) continue;
      this.graph.trackPeerConsumer(peer, consumer);
      bridge.peerConsumers.push({ peer, consumer, source });
    }
    this.byId.set(id, bridge);
    return bridge;
  }
}

function sourceKey(bridge: Bridge): string {
  return `bridge:${bridge.id}`;
}
