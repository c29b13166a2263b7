// A leg is one party's audio inside media: a SIP leg's RTP endpoint or a browser peer. Both send their audio into
// their worker's router through one producer and hear other legs through consumers on their own transport.
import type { MediaLeg } from '@parley/protos/parley/common/v1/media';
import type { types } from 'mediasoup';
import type { WorkerSlot } from '../workers/worker-pool.js';
import type { LegListening } from './leg-listening.js';

export interface Leg {
  /** "rtp:<endpoint id>" or "peer:<peer id>": one namespace for maps and logs. */
  readonly key: string;
  readonly ref: MediaLeg;
  readonly slot: WorkerSlot;
  readonly listening: LegListening;
  /** The leg's own audio in its router; undefined until a browser produces its microphone. */
  producer(): types.Producer | undefined;
  /** A consumer of `producerId` (already in the leg's router) on the transport the leg hears through. */
  hear(producerId: string): Promise<types.Consumer>;
  readonly closed: boolean;
}

/** The key of a leg reference; undefined when it names neither kind (or both). */
export function legKey(leg: MediaLeg | undefined): string | undefined {
  const rtp = leg?.rtpEndpointId;
  const peer = leg?.peerId;
  if (rtp && !peer) return `rtp:${rtp}`;
  if (peer && !rtp) return `peer:${peer}`;
  return undefined;
}
