// Agents on SIP phones: routing's offer to such an agent rings the phone they registered (the gateway instance that
// holds the queued call does it; the others see a call that is not theirs). Picking up accepts the offer at routing
// and connects the phone's leg to the caller (ConnectAgent, as a browser's desk would); declining (busy, decline)
// rejects it; an offer withdrawn or timed out at routing stops the ringing. Hanging up the phone ends the call.
import type { Logger, NatsConnection, RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { Dialer } from '../outbound/dialer.js';
import type { PhoneAccounts } from '../registrar/phone-accounts.js';
import type { RegistrationStore } from '../registrar/registration-store.js';
import type { CallSessions } from './call-sessions.js';
import { ExternalLeg } from './external-leg.js';

export interface AgentPhonesOptions {
  nc: NatsConnection;
  /** The site's routing events, e.g. parley.evt.waw.offer.> */
  offerSubject: string;
  sessions: CallSessions;
  accounts: PhoneAccounts;
  registrations: RegistrationStore;
  media: RpcClient<typeof MediaServiceService>;
  routing: RpcClient<typeof RoutingServiceService>;
  dialer: Dialer;
  logger: Logger;
}

/** A phone's final answers that mean "not now" from the agent (others are network trouble: the offer times out). */
const DECLINED = new Set([480, 486, 600, 603]);
const ENDED_OFFER = new Set(['offer.rescinded', 'offer.timed_out', 'offer.rejected']);

export class AgentPhones {
  /** Phones ringing, by offer. */
  private readonly ringing = new Map<string, ExternalLeg>();
  private readonly subscription: ReturnType<NatsConnection['subscribe']>;

  constructor(private readonly options: AgentPhonesOptions) {
    this.subscription = options.nc.subscribe(options.offerSubject, {
      callback: (error, message) => {
        if (error) return;
        let event: Envelope;
        try {
          event = Envelope.decode(message.data);
        } catch (decodeError) {
          return options.logger.warn({ err: decodeError }, 'unreadable offer event');
        }
        if (event.type === 'offer.created') {
          this.ring(event).catch((ringError: unknown) =>
            options.logger.error({ err: ringError, offerId: event.offerId }, 'could not ring the agent’s phone'),
          );
        } else if (ENDED_OFFER.has(event.type)) {
          this.ringing.get(event.offerId)?.hangUp();
          this.ringing.delete(event.offerId);
        }
      },
    });
  }

  close(): void {
    this.subscription.unsubscribe();
    for (const leg of this.ringing.values()) leg.hangUp();
    this.ringing.clear();
  }

  private async ring(offer: Envelope): Promise<void> {
    const { agentId, offerId, interactionId } = offer;
    const account = this.options.accounts.findByAgent(agentId);
    if (!account) return; // a browser agent: the desk answers
    const call = this.options.sessions.queuedCallOf(interactionId);
    if (!call) return; // another gateway holds the call (or it is gone)
    const [phone] = (await this.options.registrations.list(account.username)).sort((a, b) =>
      b.registeredAt.localeCompare(a.registeredAt),
    );
    if (!phone) {
      this.options.logger.warn({ agentId, offerId }, 'the agent’s phone is not registered: the offer will time out');
      return;
    }
    if (phone.source.transport !== 'udp') {
      this.options.logger.warn({ agentId, transport: phone.source.transport }, 'only phones on UDP can be rung yet');
      return;
    }
    const agent = Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_AGENT, id: agentId });
    const { routing, sessions, logger } = this.options;
    const leg = await ExternalLeg.dial({
      media: this.options.media,
      dialer: this.options.dialer,
      interactionId,
      bridgeWith: undefined,
      codec: call.audio,
      target: { contactUri: phone.contactUri, hop: { address: phone.source.address, port: phone.source.port } },
      // The phone shows who is calling.
      callerId: call.callerNumber ?? 'anonymous',
      ringTimeoutMs: Number(offer.offerCreated?.timeoutMs) || 20_000,
      onConnected: () => {
        this.ringing.delete(offerId);
        void (async () => {
          try {
            await routing.acceptOffer({ offerId, agentId });
            await sessions.connectAgent(call.callId, agentId, { rtpEndpointId: leg.endpointId }, leg);
          } catch (error) {
            // The offer went elsewhere meanwhile (timed out, rescinded): the agent hears the call end.
            logger.warn({ err: error, offerId }, 'picked up too late: hanging up the phone');
            leg.hangUp();
          }
        })();
      },
      onFailed: (status, reason) => {
        this.ringing.delete(offerId);
        if (!DECLINED.has(status)) return;
        routing
          .rejectOffer({ offerId, agentId, reason: `phone answered ${status} ${reason}` })
          .catch((error: unknown) => logger.warn({ err: error, offerId }, 'routing did not take the rejection'));
      },
      onEnded: (by) => {
        // The agent put the phone down: the call ends for the customer too.
        if (by === 'remote') void sessions.agentPhoneHungUp(call.callId, leg, agent);
      },
    });
    this.ringing.set(offerId, leg);
  }
}
