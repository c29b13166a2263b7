// CallMedia over the media service's contract on NATS (parley.rpc.<domain>.CreateRtpEndpoint, …).
import type { RpcClient } from '@parley/kit';
import { AudioCodec, CreateRtpEndpointRequest, type MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { ulid } from 'ulid';
import type { AnsweredCall } from '../events/call-events.js';
import type { NegotiatedAudio } from '../sdp/offer-answer.js';
import type { CallMedia, CallMediaEndpoint } from './call-media.js';

/** Media answers in milliseconds; a call should not wait on a stuck one longer than this before its 503. */
const MEDIA_TIMEOUT_MS = 2_000;

export class NatsCallMedia implements CallMedia {
  constructor(private readonly media: RpcClient<typeof MediaServiceService>) {}

  async open(call: AnsweredCall, audio: NegotiatedAudio | undefined): Promise<CallMediaEndpoint> {
    // c=0.0.0.0 (a held offer) names no address: media learns the real one from a later re-INVITE.
    const remote = audio && audio.remoteAddress !== '0.0.0.0' ? audio : undefined;
    const { endpoint } = await this.media.createRtpEndpoint(
      CreateRtpEndpointRequest.fromPartial({
        endpointId: ulid(),
        callId: call.callId,
        interactionId: call.interactionId,
        offeredCodecs: audio
          ? [
              {
                codec: audio.codec === 'PCMU' ? AudioCodec.AUDIO_CODEC_PCMU : AudioCodec.AUDIO_CODEC_PCMA,
                payloadType: audio.payloadType,
              },
            ]
          : [],
        telephoneEventPayloadType: audio?.telephoneEventPayloadType ?? 0,
        remoteAddress: remote?.remoteAddress ?? '',
        remotePort: remote?.remotePort ?? 0,
      }),
      { timeoutMs: MEDIA_TIMEOUT_MS },
    );
    if (!endpoint) throw new Error('media answered without an endpoint');
    return { endpointId: endpoint.id, address: endpoint.localAddress, port: endpoint.localPort };
  }

  async close(endpointId: string, reason: string): Promise<void> {
    await this.media.closeRtpEndpoint({ endpointId, reason }, { timeoutMs: MEDIA_TIMEOUT_MS });
  }
}
