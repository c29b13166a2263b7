// The mediasoup signalling a browser needs (mediasoup-client's Device, transports, producer, consumers), as the
// `media` requests of the agent and supervisor sockets. Parameters are mediasoup's own JSON objects, passed through
// to the media service as they are; the ids a request names must be ones this socket created.
import { z } from 'zod';

const id = z.string().min(1).max(128);
const json = z.record(z.string(), z.unknown());

export const mediaRequest = z.discriminatedUnion('op', [
  /** The router's RTP capabilities, to load the Device. */
  z.strictObject({ op: z.literal('capabilities') }),
  /** A receive transport names the Device's capabilities, so media can give the tab a call's audio by itself. */
  z.strictObject({
    op: z.literal('create_transport'),
    direction: z.enum(['send', 'recv']),
    rtpCapabilities: json.optional(),
  }),
  z.strictObject({ op: z.literal('connect_transport'), transportId: id, dtlsParameters: json }),
  z.strictObject({ op: z.literal('produce'), transportId: id, rtpParameters: json }),
  z.strictObject({ op: z.literal('consume'), transportId: id, producerId: id, rtpCapabilities: json }),
  z.strictObject({ op: z.literal('resume_consumer'), consumerId: id }),
]);

export type MediaRequest = z.output<typeof mediaRequest>;

/** The client message carrying one request; the answer names the same requestId. */
export const mediaMessage = z.strictObject({
  type: z.literal('media'),
  requestId: z.string().min(1).max(64),
  request: mediaRequest,
});

export type MediaAnswer =
  | { type: 'media_result'; requestId: string; result: Record<string, unknown> }
  /** Media made a consumer for the tab by itself (the call was bridged to it…): consume it, then resume it. */
  | {
      type: 'media_consumer';
      consumer: { consumerId: string; producerId: string; transportId: string; kind: 'audio'; rtpParameters: unknown };
    };
