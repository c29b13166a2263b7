// Conferences: three to eight legs in one conversation, each hearing all the others. A SIP leg plays one stream, so
// it hears a mix of the others (RtpMixer, paced by the packet clock); a browser mixes what it receives, so it hears
// each other leg as a consumer. A leg's bridges stay: while the conference lasts, a SIP leg hears the mix instead of
// its partner (LegListening ranks a mix above a partner). A leg that goes away ends the conference; the caller
// decides what the others do next.
import type { types } from 'mediasoup';
import type { PacketClock } from '../audio/packet-clock.js';
import { RtpMixer } from '../audio/rtp-mixer.js';
import { failedPrecondition, invalidArgument, MediaErrorCode } from '../errors.js';
import { BrowserPeer } from '../legs/browser-peer.js';
import type { Leg } from '../legs/leg.js';
import type { MediaGraph } from '../legs/media-graph.js';
import { RtpEndpoint } from '../legs/rtp-endpoint.js';

export interface Conference {
  id: string;
  interactionId: string;
  legs: Leg[];
  startedAt: Date;
  /** What each leg hears of the conference: listening keys to remove, mixers to stop. */
  hearing: { leg: Leg; keys: string[]; mixer: RtpMixer | undefined }[];
  /** Consumers created on browser legs, to be signalled to them. */
  peerConsumers: { peer: Leg; consumer: types.Consumer; source: Leg }[];
}

const MAX_LEGS = 8;

export class Conferences {
  private readonly byId = new Map<string, Conference>();

  constructor(
    private readonly graph: MediaGraph,
    private readonly clock: PacketClock,
  ) {}

  get(id: string): Conference | undefined {
    return this.byId.get(id);
  }

  /** Starts the conference, or returns the running one with this id. */
  async start(id: string, interactionId: string, legs: Leg[]): Promise<Conference> {
    const existing = this.byId.get(id);
    if (existing) return existing;
    if (legs.length < 3 || legs.length > MAX_LEGS) throw invalidArgument('legs', `name 3 to ${MAX_LEGS} legs`);
    if (new Set(legs).size !== legs.length) throw invalidArgument('legs', 'name each leg once');
    for (const leg of legs) {
      if (!leg.producer()) throw failedPrecondition(MediaErrorCode.PEER_NOT_READY, `leg ${leg.key} has no audio yet`);
    }
    const conference: Conference = { id, interactionId, legs, startedAt: new Date(), hearing: [], peerConsumers: [] };
    this.byId.set(id, conference);
    try {
      for (const leg of legs) await this.join(conference, leg);
    } catch (error) {
      await this.stop(id);
      throw error;
    }
    return conference;
  }

  async stop(id: string): Promise<void> {
    const conference = this.byId.get(id);
    if (!conference) return;
    this.byId.delete(id);
    for (const { leg, keys, mixer } of conference.hearing) {
      if (mixer) {
        this.clock.delete(mixer);
        mixer.close();
      }
      for (const key of keys) await leg.listening.remove(key);
    }
  }

  /** A leg is gone: its conferences end. */
  async legGone(leg: Leg): Promise<void> {
    for (const conference of [...this.byId.values()]) {
      if (conference.legs.includes(leg)) await this.stop(conference.id);
    }
  }

  close(): void {
    for (const conference of this.byId.values()) {
      for (const { mixer } of conference.hearing) mixer?.close();
    }
    this.byId.clear();
  }

  private async join(conference: Conference, leg: Leg): Promise<void> {
    const others = conference.legs.filter((other) => other !== leg);
    for (const other of others) await this.graph.reach(other.producer()!, other.slot, leg.slot);
    if (leg instanceof BrowserPeer) {
      const keys: string[] = [];
      conference.hearing.push({ leg, keys, mixer: undefined });
      for (const other of others) {
        const consumer = await leg.hear(other.producer()!.id);
        this.graph.trackPeerConsumer(leg, consumer);
        const key = `conference:${conference.id}:${other.key}`;
        keys.push(key);
        await leg.listening.add(key, 'partner', consumer, true);
        conference.peerConsumers.push({ peer: leg, consumer, source: other });
      }
      return;
    }
    if (!(leg instanceof RtpEndpoint)) return;
    const mixer = await RtpMixer.create(await this.graph.direct(leg.slot), leg.spec.codec, leg.spec.payloadType);
    const key = `conference:${conference.id}`;
    conference.hearing.push({ leg, keys: [key], mixer });
    for (const other of others) await mixer.addSource(other.producer()!.id);
    this.clock.add(mixer);
    await leg.listening.add(key, 'mix', await leg.hear(mixer.output.id));
  }
}
