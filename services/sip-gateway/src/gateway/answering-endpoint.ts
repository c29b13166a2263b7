// A SIP endpoint on UDP and TCP (same port) that answers every call from an allowed source and ends it on the caller's BYE: the
// signalling half of "a flow that answers and hangs up", used by the call-setup benchmark and the sipp tests.
// The offer is answered by RFC 3264 rules (sdp/offer-answer.ts: G.711 only, 488 otherwise) with the address of an
// RTP endpoint the media service allocates for the call (released on BYE, CANCEL or a missing ACK; 503 when media
// cannot); without a media service the SDP names a configured address. No flow runs yet: the call stays answered
// until the caller hangs up. Sources outside the allowlist get 403 and go no further.
import { randomBytes } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { createResponse } from '../sip/response.js';
import { SdpNegotiationError } from '../sdp/offer-answer.js';
import { ServerTransactionLayer, type IncomingRequest } from '../sip/transaction/server-transaction-layer.js';
import { ClientTransactionLayer } from '../sip/transaction/client-transaction-layer.js';
import { serializeMessage } from '../sip/serializer.js';
import { byeRequest, inDialogRequest } from './bye-request.js';
import type { InviteServerTransaction, ServerTransaction } from '../sip/transaction/server-transactions.js';
import type { SipTimers } from '../sip/transaction/timers.js';
import { TcpSipTransport, type TcpSource } from '../transport/tcp-transport.js';
import { dtmfInfoTypes, dtmfKeyOf } from '../sip/dtmf-info.js';
import { isSipUri, isTelUri, parseUri } from '../sip/uri.js';
import type { TrunkDirectory } from '../trunks/trunk-directory.js';
import { sessionDescription, type SessionDescription } from './session-description.js';
import type { CallMedia } from '../media/call-media.js';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { ulid } from 'ulid';
import { callAnsweredEvents, callCreated, callerLeftDuringFlow, type AnsweredCall } from '../events/call-events.js';
import { normaliseDialled } from '../trunks/trunk-directory.js';
import { TrunkAdmission } from './trunk-admission.js';
import { UdpSipTransport, type UdpSource } from '../transport/udp-transport.js';
import { Dialer } from '../outbound/dialer.js';
import type { Registrar } from '../registrar/registrar.js';
import { negotiateSessionTimer, SessionTimers, sessionTimerHeaders } from './session-timers.js';
import type { SipClient } from '../outbound/outbound-dialog.js';

type Source = UdpSource | TcpSource;

export interface AnsweringEndpointOptions {
  host: string;
  port: number;
  /** Source IP addresses allowed to call, when no trunks are configured (tests, the benchmark). */
  allowedSources: readonly string[];
  /**
   * Trunks: who may call (403 otherwise), which dialled numbers exist (404 otherwise), each trunk's call cap (503)
   * and its digest credentials (401 until answered). Replace `allowedSources` when given.
   */
  trunks?: TrunkDirectory;
  /** Signs digest nonces (every replica the same); required when a trunk has credentials. */
  nonceSecret?: Uint8Array;
  /** Where the call's events go (the service publishes them); the site they carry. */
  events?: (envelopes: Envelope[]) => void;
  site?: string;
  /** SIP over TLS on its own port (0: any) with this PEM key and certificate. */
  tls?: { port: number; key: string | Buffer; cert: string | Buffer };
  /**
   * The media service: each answered call gets its own RTP endpoint there, named in the 200's SDP. Without it
   * (signalling benchmark, unit tests) the SDP names `mediaAddress`/`mediaPort`, where nothing listens.
   */
  callMedia?: CallMedia;
  /** Told when a call with media is answered, gets a SIP INFO key, or ends (the flows run there). */
  calls?: {
    answered(call: AnsweredCall, endpointId: string): void;
    digit(callId: string, key: string): void;
    ended(callId: string): void;
  };
  mediaAddress: string;
  mediaPort: number;
  timers?: SipTimers;
  /** Requests a second one source address may send (default 10,000: a busy trunk sends ~3 per call). */
  maxRequestsPerSecondPerSource?: number;
  /** Calls up at once (a trunk's channel cap; default 50,000). */
  maxDialogs?: number;
  /** Agents' SIP phones register here; without it REGISTER gets 405. */
  registrar?: Registrar;
  /** The shortest session-timer interval accepted (RFC 4028 Min-SE; default 90 s, the RFC's floor). */
  minSessionExpiresSeconds?: number;
}

interface Dialog {
  toTag: string;
  invite: InviteServerTransaction;
  trunk?: string;
  /** o= session id, and the version our latest answer carried (raised by each re-INVITE). */
  sessionId: number;
  sessionVersion: number;
  /** The caller's last offer put the call on hold. */
  held: boolean;
  /** Keys received by SIP INFO (RFC 4733 events arrive on the media path instead). */
  dtmf: string[];
  /** What the events say about the call. */
  call: AnsweredCall;
  /** The call's endpoint at the media service, and where it listens (what our SDP names). */
  media: { address: string; port: number; endpointId?: string };
  /** The INVITE and where it came from: what our own requests in the dialog (BYE) are built from and sent to. */
  inviteRequest: SipRequest;
  source: Source;
  /** Our last CSeq in the dialog. */
  localCseq: number;
}

/** What tests and operators can see of a call. */
export interface DialogView {
  held: boolean;
  dtmf: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE';
const viaTransport = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;

export class AnsweringEndpoint {
  private readonly dialogs = new Map<string, Dialog>();
  private udp!: UdpSipTransport;
  private tcp!: TcpSipTransport;
  private tls: TcpSipTransport | undefined;
  private readonly layer: ServerTransactionLayer<Source>;
  private readonly client: ClientTransactionLayer<Source>;
  /** Calls answered, ended and refused since start (the benchmark reads them). */
  readonly counts = {
    answered: 0,
    ended: 0,
    unconfirmed: 0,
    forbidden: 0,
    rejected: 0,
    refusedMedia: 0,
    /** Requests over a source's rate: answered 503 while it is a little over, dropped when it floods. */
    throttled: 0,
    /** INVITEs refused with 503 because the dialog cap was reached. */
    overCapacity: 0,
    /** Calls we ended with our own BYE (a flow's hangUp, an agent hanging up). */
    hungUp: 0,
    /** INVITEs refused with 503 because media could not allocate an endpoint. */
    mediaUnavailable: 0,
    /** INVITEs for a number no trunk delivers (404). */
    unknownNumber: 0,
    /** Calls ended because the caller stopped refreshing its session timer. */
    sessionsExpired: 0,
    /** Digest challenges sent (401) and credentials refused (403). */
    challenged: 0,
    authFailed: 0,
  };
  private readonly admission: TrunkAdmission | undefined;
  private readonly limiter: RateLimiterMemory;
  /** Calls Parley places through the trunks (transfers to numbers, outbound calls), on this endpoint's UDP socket. */
  readonly dialer: Dialer;
  private readonly sessionTimers = new SessionTimers((key) => this.sessionExpired(key));
  /** Requests Parley sends on its own (client transactions over this endpoint's UDP socket). */
  readonly sip: SipClient;
  private sessions = 0;

  private constructor(private readonly options: AnsweringEndpointOptions) {
    this.admission = options.trunks ? new TrunkAdmission(options.trunks, options.host, options.nonceSecret) : undefined;
    this.limiter = new RateLimiterMemory({ points: options.maxRequestsPerSecondPerSource ?? 10_000, duration: 1 });
    this.client = new ClientTransactionLayer<Source>({
      send: (request, target) => this.sendRequest(request, target),
      reliable: (target) => target.transport !== 'udp',
      ...(options.timers ? { timers: options.timers } : {}),
    });
    this.layer = new ServerTransactionLayer<Source>({
      send: (response, source) => this.send(response, source),
      reliable: (source) => source.transport !== 'udp',
      onRequest: (incoming) => this.handle(incoming),
      onAck: (ack) => this.dialogs.get(dialogKey(ack))?.invite.ackForSuccess(),
      // No ACK for the 200 within 64·T1: the caller never confirmed the call (RFC 3261 §13.3.1.4 ends it).
      onAckTimeout: (invite) => {
        for (const [key, dialog] of this.dialogs)
          if (key.startsWith(`${invite.headers.get('Call-ID')}|`) && dialog.invite.terminated) {
            this.endDialog(key, dialog, 'unconfirmed');
            this.counts.unconfirmed++;
          }
      },
      ...(options.timers ? { timers: options.timers } : {}),
    });
    this.sip = {
      host: options.host,
      port: () => this.port,
      start: (request, hop, handlers) =>
        this.client.start(request, { transport: 'udp', address: hop.address, port: hop.port }, handlers),
      send: (request, hop) => this.udp.send(request, hop.address, hop.port),
    };
    this.dialer = new Dialer(this.sip, options.trunks, this.admission);
  }

  static async start(options: AnsweringEndpointOptions): Promise<AnsweringEndpoint> {
    // Port 0 means any port: UDP picks one and TCP needs the same number, which another process may hold on TCP
    // (an ephemeral port of some connection); then try another.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await AnsweringEndpoint.startOnPort(options);
      } catch (error) {
        const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (options.port !== 0 || !inUse || attempt >= 5) throw error;
      }
    }
  }

  private static async startOnPort(options: AnsweringEndpointOptions): Promise<AnsweringEndpoint> {
    const endpoint = new AnsweringEndpoint(options);
    endpoint.udp = await UdpSipTransport.bind({
      host: options.host,
      port: options.port,
      onRequest: (request, source) => endpoint.receive(request, source),
      onResponse: (response) => endpoint.client.receive(response),
      onRejected: () => endpoint.counts.rejected++,
    });
    try {
      endpoint.tcp = await TcpSipTransport.listen({
        host: options.host,
        port: endpoint.udp.port, // the same port number on both transports, as SIP URIs assume
        onRequest: (request, source) => endpoint.receive(request, source),
        onResponse: (response) => endpoint.client.receive(response),
        onRejected: () => endpoint.counts.rejected++,
      });
      if (options.tls)
        endpoint.tls = await TcpSipTransport.listen({
          host: options.host,
          port: options.tls.port,
          tls: { key: options.tls.key, cert: options.tls.cert },
          onRequest: (request, source) => endpoint.receive(request, source),
          onResponse: (response) => endpoint.client.receive(response),
          onRejected: () => endpoint.counts.rejected++,
        });
    } catch (error) {
      await Promise.all([endpoint.udp.close(), endpoint.tcp?.close()]);
      throw error;
    }
    return endpoint;
  }

  get port(): number {
    return this.udp.port;
  }

  get activeDialogs(): number {
    return this.dialogs.size;
  }

  get receiveBufferSize(): number {
    return this.udp.receiveBufferSize;
  }

  /** The TLS port, when TLS is configured. */
  get tlsPort(): number | undefined {
    return this.tls?.port;
  }

  async close(): Promise<void> {
    this.dialer.close();
    this.sessionTimers.close();
    await Promise.all([this.udp.close(), this.tcp.close(), this.tls?.close()]);
  }

  private send(response: SipResponse, source: Source): void {
    if (source.transport === 'udp') this.udp.sendResponse(response, source);
    else if (source.transport === 'tls') this.tls?.sendResponse(response, source);
    else this.tcp.sendResponse(response, source);
  }

  /** Per-source rate first (before the allowlist, so a flood of strangers is not answered 403 by the thousand). */
  private receive(request: SipRequest, source: Source): void {
    this.limiter
      .consume(source.address)
      .then(
        () => this.admit(request, source),
        (limited: unknown) => {
          this.counts.throttled++;
          if (!(limited instanceof RateLimiterRes) || request.method === 'ACK') return;
          // Answer the first excess requests (the sender learns to back off), drop the rest of a flood unanswered.
          if (limited.consumedPoints > 2 * (this.options.maxRequestsPerSecondPerSource ?? 10_000)) return;
          const retryAfter = String(Math.max(1, Math.ceil(limited.msBeforeNext / 1000)));
          this.send(createResponse(request, 503, { toTag: tag(), headers: [['Retry-After', retryAfter]] }), source);
        },
      )
      // A failure while handling one request (a bug, an unsendable answer) is counted, never an unhandled rejection.
      .catch(() => this.counts.rejected++);
  }

  private admit(request: SipRequest, source: Source): void {
    const trunks = this.options.trunks;
    const allowed =
      (trunks ? trunks.trunkFor(source.address) !== undefined : this.options.allowedSources.includes(source.address)) ||
      // Phones register from anywhere (the digest decides), and talk in the dialogs Parley opened to them.
      (request.method === 'REGISTER' && this.options.registrar !== undefined) ||
      (hasToTag(request) && this.dialer.dialogFor(request) !== undefined);
    if (!allowed) {
      this.counts.forbidden++;
      // Refused statelessly: an unknown source gets no transaction state to fill memory with.
      if (request.method !== 'ACK') this.send(createResponse(request, 403, { toTag: tag() }), source);
      return;
    }
    try {
      this.layer.receive(request, source);
    } catch {
      this.send(createResponse(request, 400, { reason: 'Bad Via' }), source);
    }
  }

  private handle({ request, source, transaction }: IncomingRequest<Source>): void {
    const respond = (status: number, extra: Partial<Parameters<typeof createResponse>[2]> = {}) =>
      transaction.respond(createResponse(request, status, { toTag: tag(), ...extra }));
    // A request in a call Parley placed (the far end's BYE): its dialog answers.
    const outbound = request.method !== 'ACK' && hasToTag(request) ? this.dialer.dialogFor(request) : undefined;
    if (outbound) {
      const answer = outbound.receive(request);
      return respond(answer.status, {
        ...(answer.headers ? { headers: answer.headers } : {}),
        ...(answer.body ? { body: encoder.encode(answer.body) } : {}),
      });
    }
    switch (request.method) {
      case 'INVITE': {
        if (hasToTag(request)) return this.reInvite(request, respond, transaction);
        if (this.dialogs.size >= (this.options.maxDialogs ?? 50_000)) {
          this.counts.overCapacity++;
          return respond(503, { headers: [['Retry-After', '5']] });
        }
        const trunk = this.options.trunks?.trunkFor(source.address);
        const refusal = trunk && this.admission?.check(trunk, request);
        if (refusal) {
          this.countRefusal(refusal.reason);
          return respond(refusal.status, refusal.headers ? { headers: refusal.headers } : {});
        }
        const timer = negotiateSessionTimer(request, this.options.minSessionExpiresSeconds ?? 90);
        if (timer.refusal) return respond(timer.refusal.status, { headers: timer.refusal.headers });
        transaction.respond(createResponse(request, 100));
        let offer: SessionDescription;
        try {
          offer = sessionDescription(request, this.media, 0, 1);
        } catch (error) {
          if (!(error instanceof SdpNegotiationError)) throw error;
          this.counts.refusedMedia++;
          return respond(error.status, { headers: [['Warning', `304 parley "${error.message.replace(/"/g, "'")}"`]] });
        }
        const call = this.describeCall(request, trunk?.id);
        if (offer.audio) {
          call.audio = {
            codec: offer.audio.codec,
            payloadType: offer.audio.payloadType,
            telephoneEventPayloadType: offer.audio.telephoneEventPayloadType ?? 0,
          };
        }
        const invite = transaction as InviteServerTransaction;
        const callMedia = this.options.callMedia;
        if (!callMedia) return this.answerCall(request, source, invite, call, trunk?.id, this.media);
        // Held at trunk admission until answered or refused, so a burst cannot overrun the trunk's cap meanwhile.
        if (trunk) this.admission?.started(trunk.id);
        callMedia.open(call, offer.audio).then(
          (endpoint) => {
            if (trunk) this.admission?.ended(trunk.id);
            if (invite.answered) {
              // CANCELled while media was allocating: nothing to answer, nothing to keep.
              void callMedia.close(endpoint.endpointId, 'cancelled').catch(() => undefined);
              return;
            }
            this.answerCall(request, source, invite, call, trunk?.id, endpoint);
          },
          () => {
            if (trunk) this.admission?.ended(trunk.id);
            this.counts.mediaUnavailable++;
            if (!invite.answered) respond(503, { headers: [['Retry-After', '5']], reason: 'Media Unavailable' });
          },
        );
        return;
      }
      case 'BYE': {
        const key = dialogKey(request);
        const dialog = this.dialogs.get(key);
        if (!dialog) return respond(481);
        this.endDialog(key, dialog, 'bye');
        this.counts.ended++;
        respond(200);
        // With media, the call's session says what the hang-up means (IVR, queue or agent); without, it was the IVR.
        if (!dialog.media.endpointId || !this.options.calls) {
          this.options.events?.([callerLeftDuringFlow(dialog.call, new Date())]);
        }
        return;
      }
      case 'INFO': {
        const dialog = this.dialogs.get(dialogKey(request));
        if (!dialog) return respond(481);
        const type = (request.headers.get('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase();
        if (!type || !(dtmfInfoTypes as readonly string[]).includes(type))
          return respond(415, { headers: [['Accept', dtmfInfoTypes.join(', ')]] });
        const key = dtmfKeyOf(decoder.decode(request.body), type);
        if (key === undefined) return respond(400, { reason: 'Bad DTMF Body' });
        dialog.dtmf.push(key);
        this.options.calls?.digit(dialog.call.callId, key);
        return respond(200);
      }
      case 'REGISTER': {
        const registrar = this.options.registrar;
        if (!registrar) return respond(405, { headers: [['Allow', ALLOW]] });
        const from = { address: source.address, port: source.port, transport: source.transport };
        registrar.register(request, from).then(
          (outcome) =>
            respond(outcome.status, {
              headers: outcome.headers,
              ...(outcome.reason ? { reason: outcome.reason } : {}),
            }),
          () => respond(500, { headers: [['Retry-After', '5']] }),
        );
        return;
      }
      case 'UPDATE': {
        // A session refresh without a new offer (RFC 3311, RFC 4028 §7.4): the timer starts again.
        const key = dialogKey(request);
        if (!this.dialogs.has(key)) return respond(481);
        if (request.body.length > 0) return respond(488, { reason: 'Offer in UPDATE not supported' });
        const interval = this.sessionTimers.refresh(key);
        return respond(200, interval ? { headers: sessionTimerHeaders(interval) } : {});
      }
      case 'OPTIONS':
        return respond(200, {
          headers: [
            ['Allow', ALLOW],
            ['Accept', 'application/sdp'],
          ],
        });
      case 'CANCEL': {
        // Calls are answered at once here, so a CANCEL finds its INVITE answered: 200 for the CANCEL only.
        const invite = this.layer.inviteFor(request);
        if (!invite) return respond(481);
        respond(200);
        if (!invite.transaction.answered)
          invite.transaction.respond(createResponse(invite.request, 487, { toTag: tag() }));
        return;
      }
      default:
        return respond(405, { headers: [['Allow', ALLOW]] });
    }
  }

  /** Answers with the SDP naming `media` (the call's endpoint, or the configured address without media). */
  private answerCall(
    request: SipRequest,
    source: Source,
    invite: InviteServerTransaction,
    call: AnsweredCall,
    trunkId: string | undefined,
    media: { address: string; port: number; endpointId?: string },
  ): void {
    const sessionId = ++this.sessions;
    // The offer was checked before media was asked; answering it again only puts media's address in.
    const { sdp, held } = sessionDescription(request, media, sessionId, 1);
    const toTag = tag();
    const key = `${request.headers.get('Call-ID')}|${toTag}`;
    const timer = negotiateSessionTimer(request, this.options.minSessionExpiresSeconds ?? 90).intervalSeconds;
    if (timer) this.sessionTimers.arm(key, timer);
    this.dialogs.set(key, {
      call,
      toTag,
      invite,
      ...(trunkId ? { trunk: trunkId } : {}),
      sessionId,
      sessionVersion: 1,
      held,
      dtmf: [],
      media,
      inviteRequest: request,
      source,
      localCseq: 0,
    });
    if (trunkId) this.admission?.started(trunkId);
    this.counts.answered++;
    invite.respond(this.answer(request, toTag, sdp, timer));
    if (media.endpointId && this.options.calls) {
      // The call's session says which flow version starts (it looks the flow up) and publishes ivr_started.
      this.options.events?.([callCreated(call)]);
      this.options.calls.answered(call, media.endpointId);
    } else {
      this.options.events?.(callAnsweredEvents(call));
    }
  }

  /**
   * Ends a call from our side with a BYE (RFC 3261 §15.1.1) and releases its media; `reason` goes to media's event.
   * Returns false when no such call is up. The BYE's answer is not waited for: the dialog ends when it is sent.
   */
  hangUp(callId: string, reason: string): boolean {
    for (const [key, dialog] of this.dialogs) {
      if (!key.startsWith(`${callId}|`)) continue;
      dialog.localCseq += 1;
      const bye = byeRequest({
        invite: dialog.inviteRequest,
        localTag: dialog.toTag,
        cseq: dialog.localCseq,
        via: { transport: viaTransport[dialog.source.transport], host: this.options.host, port: this.port },
        reason: 'Q.850;cause=16;text="normal call clearing"',
      });
      this.client.start(bye, dialog.source, { onResponse: () => undefined, onTimeout: () => undefined });
      this.endDialog(key, dialog, reason);
      this.counts.hungUp++;
      return true;
    }
    return false;
  }

  /**
   * Sends a key to the caller as SIP INFO (application/dtmf-relay, for callers who negotiated no telephone-event);
   * resolves with whether the caller took it (2xx). False when no such call is up.
   */
  sendInfo(callId: string, body: { contentType: string; text: string }): Promise<boolean> {
    for (const [key, dialog] of this.dialogs) {
      if (!key.startsWith(`${callId}|`)) continue;
      dialog.localCseq += 1;
      const info = inDialogRequest(
        {
          invite: dialog.inviteRequest,
          localTag: dialog.toTag,
          cseq: dialog.localCseq,
          via: { transport: viaTransport[dialog.source.transport], host: this.options.host, port: this.port },
        },
        'INFO',
        body,
      );
      return new Promise((resolve) =>
        this.client.start(info, dialog.source, {
          onResponse: (response) => {
            if (response.status >= 200) resolve(response.status < 300);
          },
          onTimeout: () => resolve(false),
        }),
      );
    }
    return Promise.resolve(false);
  }

  private sendRequest(request: SipRequest, target: Source): void {
    if (target.transport === 'udp') this.udp.send(request, target.address, target.port);
    else if (!target.connection.destroyed) target.connection.write(serializeMessage(request));
  }

  private endDialog(key: string, dialog: Dialog, reason: string): void {
    this.dialogs.delete(key);
    this.sessionTimers.clear(key);
    if (dialog.trunk) this.admission?.ended(dialog.trunk);
    const endpointId = dialog.media.endpointId;
    this.options.calls?.ended(dialog.call.callId);
    if (endpointId) void this.options.callMedia?.close(endpointId, reason).catch(() => undefined);
  }

  private countRefusal(reason: 'challenged' | 'auth-failed' | 'unknown-number' | 'over-capacity'): void {
    if (reason === 'challenged') this.counts.challenged++;
    else if (reason === 'auth-failed') this.counts.authFailed++;
    else if (reason === 'unknown-number') this.counts.unknownNumber++;
    else this.counts.overCapacity++;
  }

  /** The call as its events describe it: caller and dialled number from the INVITE, the flow from the trunk's DID. */
  private describeCall(invite: SipRequest, trunkId: string | undefined): AnsweredCall {
    const dialledUri = parseUri(invite.uri);
    const dialledText = isSipUri(dialledUri) ? (dialledUri.user ?? '') : isTelUri(dialledUri) ? dialledUri.number : '';
    const dialled = normaliseDialled(dialledText) ?? dialledText;
    const from = invite.headers.get('From') ?? '';
    const fromUser = /<?(?:sips?|tel):\+?([^@;>]+)/i.exec(from)?.[1] ?? '';
    const callerName = /^\s*"([^"]*)"/.exec(from)?.[1];
    const trunk = trunkId ? this.options.trunks?.trunks.find((t) => t.id === trunkId) : undefined;
    return {
      interactionId: ulid(),
      callId: invite.headers.get('Call-ID') ?? '',
      site: this.options.site ?? 'local',
      callerNumber: normaliseDialled(from.includes(':+') ? `+${fromUser}` : fromUser),
      callerName: callerName || undefined,
      dialled,
      flowId: (trunk && this.options.trunks?.flowFor(trunk, dialled)) ?? 'answer',
      trunkId,
      answeredAt: new Date(),
    };
  }

  private get media(): { address: string; port: number } {
    return { address: this.options.mediaAddress, port: this.options.mediaPort };
  }

  /** A re-INVITE in an existing call: a new offer (hold, resume, a new address) answered in the same session. */
  private reInvite(
    request: SipRequest,
    respond: (status: number, extra?: Partial<Parameters<typeof createResponse>[2]>) => void,
    transaction: ServerTransaction,
  ): void {
    const key = dialogKey(request);
    const dialog = this.dialogs.get(key);
    if (!dialog) return respond(481);
    let answer: SessionDescription;
    try {
      answer = sessionDescription(request, dialog.media, dialog.sessionId, dialog.sessionVersion + 1);
    } catch (error) {
      if (!(error instanceof SdpNegotiationError)) throw error;
      return respond(error.status); // the call goes on with the previous session (RFC 3261 §14.2)
    }
    dialog.sessionVersion++;
    dialog.held = answer.held;
    transaction.respond(this.answer(request, dialog.toTag, answer.sdp, this.sessionTimers.refresh(key)));
  }

  /** The caller stopped refreshing the session: the call ends as a hang-up, with our BYE. */
  private sessionExpired(key: string): void {
    const dialog = this.dialogs.get(key);
    if (!dialog) return;
    this.counts.sessionsExpired++;
    this.hangUp(dialog.call.callId, 'session_expired');
  }

  /** What a call looks like now, by Call-ID (the first dialog of it). */
  dialogView(callId: string): DialogView | undefined {
    for (const [key, dialog] of this.dialogs)
      if (key.startsWith(`${callId}|`)) return { held: dialog.held, dtmf: dialog.dtmf.join('') };
    return undefined;
  }

  private answer(invite: SipRequest, toTag: string, sdp: string, sessionTimer?: number): SipResponse {
    return createResponse(invite, 200, {
      toTag,
      headers: [
        ...(sessionTimer ? sessionTimerHeaders(sessionTimer) : []),
        // The proxies that asked to stay in the dialog (RFC 3261 §12.1.1): the caller builds its route set from these.
        ...invite.headers.getAll('Record-Route').map((route): [string, string] => ['Record-Route', route]),
        ['Contact', `<sip:parley@${this.options.host}:${this.port}>`],
        ['Allow', ALLOW],
        ['Content-Type', 'application/sdp'],
      ],
      body: encoder.encode(sdp),
    });
  }
}

function hasToTag(request: SipRequest): boolean {
  return /;\s*tag\s*=/i.test(request.headers.get('To') ?? '');
}

function tag(): string {
  return randomBytes(6).toString('hex');
}

/** Call-ID and the UAS's tag (the To tag of in-dialog requests from the caller). */
function dialogKey(request: SipRequest): string {
  const toTag = /;\s*tag\s*=\s*([^;\s]+)/i.exec(request.headers.get('To') ?? '')?.[1] ?? '';
  return `${request.headers.get('Call-ID')}|${toTag}`;
}
