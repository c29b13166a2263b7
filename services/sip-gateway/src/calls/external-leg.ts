// A leg Parley places — to a number through a trunk, or to an agent's registered phone — and bridges with another
// leg on answer: the customer's call with an external party (a blind transfer to a number, a flow's transfer node),
// an agent with the customer (a callback); an agent's phone is connected by the caller of this instead. An RTP endpoint at media in the other leg's codec (nothing is transcoded), our SDP offer naming it,
// the INVITE through the trunk; on the answer media learns the far end's address and bridges the two legs. Ends with
// either side: the far end's BYE, ours, or a failure to connect.
import { randomBytes } from 'node:crypto';
import type { RpcClient } from '@parley/kit';
import type { MediaLeg } from '@parley/protos/parley/common/v1/media';
import {
  AudioCodec,
  BridgeLegsRequest,
  CreateRtpEndpointRequest,
  type MediaServiceService,
} from '@parley/protos/parley/media/v1/media';
import { ulid } from 'ulid';
import type { AnsweredCall } from '../events/call-events.js';
import type { DialRequest, Dialer } from '../outbound/dialer.js';
import type { OutboundDialog, SipHop } from '../outbound/outbound-dialog.js';
import { createOffer, readAnswer, type OfferedMedia } from '../sdp/outbound-offer.js';

export interface ExternalLegOptions {
  media: RpcClient<typeof MediaServiceService>;
  dialer: Dialer;
  /** The interaction the leg serves (media's events carry it). */
  interactionId: string;
  /** The leg it is bridged with on answer; none: the caller of this bridges it (ConnectAgent). */
  bridgeWith: MediaLeg | undefined;
  /** The codec of that leg; undefined: the trunk's. */
  codec: AnsweredCall['audio'];
  /** A number through a trunk (E.164), or a registered phone (its contact, and where it registered from). */
  target: { number: string } | { contactUri: string; hop: SipHop };
  /** Presented to the far end; empty: the trunk's caller id. */
  callerId: string;
  ringTimeoutMs: number;
  /** The far end answered and media bridges it with the customer. */
  onConnected(): void;
  /** It never answered (busy, no answer, refused, no common codec): `status` is the SIP final status. */
  onFailed(status: number, reason: string): void;
  /** The connected leg ended: `remote` when the far end hung up. */
  onEnded(by: 'remote' | 'local'): void;
}

const TELEPHONE_EVENT = 101;
const codecs = {
  PCMU: { codec: 'PCMU', payloadType: 0 },
  PCMA: { codec: 'PCMA', payloadType: 8 },
} as const;

export class ExternalLeg {
  private dialog: OutboundDialog | undefined;
  /** The media bridge, once answered. */
  bridgeId: string | undefined;
  /** The far end's answer accepted telephone-event (else keys go to it as SIP INFO). */
  takesTelephoneEvent = false;
  private closed = false;
  /** Bridged with the customer (until then an end of the dialog is a failure to connect). */
  private connected = false;
  private failure = 'the far end hung up before its audio was connected';

  private constructor(
    private readonly options: ExternalLegOptions,
    /** The leg's RTP endpoint at media. */
    readonly endpointId: string,
    /** The SIP Call-ID of the leg (also the call id media's events about its endpoint carry). */
    readonly sipCallId: string,
  ) {}

  /** Dials; FAILED_PRECONDITION (NO_ROUTE) or RESOURCE_EXHAUSTED (TRUNK_AT_CAPACITY) before anything is set up. */
  static async dial(options: ExternalLegOptions): Promise<ExternalLeg> {
    const { target } = options;
    const trunk = 'number' in target ? options.dialer.route(target.number) : undefined;
    const codec = options.codec ?? codecs[trunk?.outbound.codec ?? 'PCMA'];
    const endpointId = ulid();
    const sipCallId = `${randomBytes(12).toString('hex')}@parley`;
    const { endpoint } = await options.media.createRtpEndpoint(
      CreateRtpEndpointRequest.fromPartial({
        endpointId,
        // The leg's own call id: the far end's keys must not reach the customer's flow.
        callId: sipCallId,
        interactionId: options.interactionId,
        offeredCodecs: [
          {
            codec: codec.codec === 'PCMU' ? AudioCodec.AUDIO_CODEC_PCMU : AudioCodec.AUDIO_CODEC_PCMA,
            payloadType: codec.payloadType,
          },
        ],
        telephoneEventPayloadType: TELEPHONE_EVENT,
      }),
    );
    if (!endpoint) throw new Error('media answered without an endpoint');
    const leg = new ExternalLeg(options, endpoint.id, sipCallId);
    const offered: OfferedMedia = {
      address: endpoint.localAddress,
      port: endpoint.localPort,
      codec: codec.codec,
      payloadType: codec.payloadType,
      telephoneEventPayloadType: TELEPHONE_EVENT,
      sessionId: Date.now(),
      sessionVersion: 1,
    };
    try {
      const request: Omit<DialRequest, 'number'> = {
        callId: sipCallId,
        callerId: options.callerId,
        sdpOffer: createOffer(offered),
        ringTimeoutMs: options.ringTimeoutMs,
        events: {
          ringing: () => undefined,
          answered: (sdp) => void leg.connect(sdp, offered),
          failed: (status, reason) => {
            leg.release('transfer_failed');
            options.onFailed(status, reason);
          },
          ended: (by) => {
            leg.release(by === 'remote' ? 'bye' : 'hangup');
            if (leg.connected) options.onEnded(by);
            else options.onFailed(488, leg.failure);
          },
        },
      };
      leg.dialog =
        'number' in target
          ? options.dialer.dial({ ...request, number: target.number }).dialog
          : options.dialer.dialContact({
              ...request,
              callerId: options.callerId,
              contactUri: target.contactUri,
              hop: target.hop,
            });
    } catch (error) {
      leg.release('transfer_failed');
      throw error;
    }
    return leg;
  }

  /** A key to the far end as SIP INFO; false when it did not take it (or the leg is not up). */
  info(body: { contentType: string; text: string }): Promise<boolean> {
    return this.dialog?.info(body) ?? Promise.resolve(false);
  }

  /** Ends the leg from our side: CANCEL before the answer, BYE after. */
  hangUp(): void {
    if (this.dialog && !this.dialog.ended) this.dialog.hangUp();
    this.release('hangup');
  }

  private async connect(sdp: string, offered: OfferedMedia): Promise<void> {
    const { media } = this.options;
    try {
      const answer = readAnswer(sdp, offered);
      this.takesTelephoneEvent = (answer.telephoneEventPayloadType ?? 0) > 0;
      await media.connectRtpEndpoint({
        endpointId: this.endpointId,
        remoteAddress: answer.remoteAddress,
        remotePort: answer.remotePort,
        codec: undefined,
        telephoneEventPayloadType: answer.telephoneEventPayloadType ?? 0,
      });
      if (this.options.bridgeWith) {
        this.bridgeId = ulid();
        await media.bridgeLegs(
          BridgeLegsRequest.fromPartial({
            bridgeId: this.bridgeId,
            interactionId: this.options.interactionId,
            legA: { rtpEndpointId: this.endpointId },
            legB: this.options.bridgeWith,
          }),
        );
      }
    } catch (error) {
      // No common codec in the answer, or media could not connect it: the far end gets our BYE at once (and the
      // dialog's end reports the failure).
      this.failure = error instanceof Error ? error.message : String(error);
      this.dialog?.hangUp();
      return;
    }
    if (this.closed) return;
    this.connected = true;
    this.options.onConnected();
  }

  private release(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    void this.options.media.closeRtpEndpoint({ endpointId: this.endpointId, reason }).catch(() => undefined);
  }
}
