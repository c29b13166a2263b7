// One socket's media peer at the media service: the socket's requests relayed to media over NATS, under a peer id
// the API chose (a browser cannot act on another's peer), and only on the transports and consumers this socket
// created. The peer is closed with the socket.
import type { EventFeed, RpcClient } from '@parley/kit';
import type { Actor } from '@parley/protos/parley/common/v1/actor';
import { MediaKind, TransportDirection, type MediaServiceService } from '@parley/protos/parley/media/v1/media';
import type { MediaAnswer, MediaRequest } from './media-messages.js';

export class NotYours extends Error {
  readonly code = 'forbidden';
}

export class MediaRelay {
  private readonly transports = new Set<string>();
  private readonly consumers = new Set<string>();
  private readonly producers = new Set<string>();

  constructor(
    private readonly media: RpcClient<typeof MediaServiceService>,
    /** The peer id at the media service: the agent's leg when a call is connected to it. */
    readonly peerId: string,
    private readonly owner: Actor,
  ) {}

  /** Whether the browser sends audio already (a call can be connected to it). */
  get producing(): boolean {
    return this.producers.size > 0;
  }

  async handle(request: MediaRequest): Promise<Record<string, unknown>> {
    switch (request.op) {
      case 'capabilities': {
        const answer = await this.media.getRouterRtpCapabilities({});
        return { rtpCapabilities: JSON.parse(answer.rtpCapabilitiesJson) as unknown };
      }
      case 'create_transport': {
        const answer = await this.media.createWebRtcTransport({
          peerId: this.peerId,
          direction:
            request.direction === 'send'
              ? TransportDirection.TRANSPORT_DIRECTION_SEND
              : TransportDirection.TRANSPORT_DIRECTION_RECV,
          owner: this.owner,
          rtpCapabilitiesJson: request.rtpCapabilities ? JSON.stringify(request.rtpCapabilities) : '',
        });
        this.transports.add(answer.transportId);
        return {
          peerId: this.peerId,
          transportId: answer.transportId,
          iceParameters: JSON.parse(answer.iceParametersJson) as unknown,
          iceCandidates: JSON.parse(answer.iceCandidatesJson) as unknown,
          dtlsParameters: JSON.parse(answer.dtlsParametersJson) as unknown,
        };
      }
      case 'connect_transport':
        this.own(this.transports, request.transportId, 'transport');
        await this.media.connectWebRtcTransport({
          transportId: request.transportId,
          dtlsParametersJson: JSON.stringify(request.dtlsParameters),
        });
        return {};
      case 'produce': {
        this.own(this.transports, request.transportId, 'transport');
        const answer = await this.media.produce({
          transportId: request.transportId,
          kind: MediaKind.MEDIA_KIND_AUDIO,
          rtpParametersJson: JSON.stringify(request.rtpParameters),
        });
        this.producers.add(answer.producerId);
        return { producerId: answer.producerId };
      }
      case 'consume': {
        this.own(this.transports, request.transportId, 'transport');
        const answer = await this.media.consume({
          transportId: request.transportId,
          producerId: request.producerId,
          rtpCapabilitiesJson: JSON.stringify(request.rtpCapabilities),
        });
        const consumer = answer.consumer;
        if (consumer) this.consumers.add(consumer.consumerId);
        return consumerJson(consumer);
      }
      case 'resume_consumer':
        this.own(this.consumers, request.consumerId, 'consumer');
        await this.media.resumeConsumer({ consumerId: request.consumerId });
        return {};
    }
  }

  /** Follows the consumers media makes for this peer by itself; each becomes the socket's own to resume. */
  followConsumers(feed: EventFeed, tell: (message: Extract<MediaAnswer, { type: 'media_consumer' }>) => void) {
    return feed.listen(this.peerId, (event) => {
      const created = event.mediaPeerConsumerCreated;
      if (!created) return;
      this.consumers.add(created.consumerId);
      tell({
        type: 'media_consumer',
        consumer: {
          consumerId: created.consumerId,
          producerId: created.producerId,
          transportId: created.transportId,
          kind: 'audio',
          rtpParameters: JSON.parse(created.rtpParametersJson || '{}') as unknown,
        },
      });
    });
  }

  /** Consumers media made for this peer on its own (supervision): the socket may resume them. */
  adopt(consumerIds: readonly string[]): void {
    for (const consumerId of consumerIds) this.consumers.add(consumerId);
  }

  /** Closes the peer at the media service (its transports, producers and consumers), if it has any. */
  async close(): Promise<void> {
    if (this.transports.size === 0) return;
    this.transports.clear();
    await this.media.closePeer({ peerId: this.peerId });
  }

  private own(ids: Set<string>, id: string, what: string): void {
    if (!ids.has(id)) throw new NotYours(`${what} ${id} is not this socket's`);
  }
}

export function consumerJson(
  consumer: { consumerId: string; producerId: string; transportId: string; rtpParametersJson?: string } | undefined,
): Record<string, unknown> {
  if (!consumer) return {};
  return {
    consumerId: consumer.consumerId,
    producerId: consumer.producerId,
    transportId: consumer.transportId,
    kind: 'audio',
    rtpParameters: consumer.rtpParametersJson ? (JSON.parse(consumer.rtpParametersJson) as unknown) : undefined,
  };
}
