// Places calls: through the trunks (picks the trunk for the number by longest prefix, holds a place under its call
// cap for the call's life) or straight to a registered phone; starts the dialog and keeps it where the far end's
// in-dialog requests (its BYE) find it.
import { ParleyError, Status } from '@parley/kit';
import type { SipRequest } from '../sip/message.js';
import type { TrunkAdmission } from '../gateway/trunk-admission.js';
import type { OutboundTrunk } from '../trunks/trunk-config.js';
import type { TrunkDirectory } from '../trunks/trunk-directory.js';
import {
  OutboundDialog,
  type OutboundDialogEvents,
  type OutboundDialogOptions,
  type SipClient,
  type SipHop,
} from './outbound-dialog.js';

export interface DialRequest {
  /** E.164. */
  number: string;
  /** The SIP Call-ID to use (when media already knows the call by it); default a new one. */
  callId?: string;
  /** Presented number; empty: the trunk's caller id. */
  callerId?: string | undefined;
  sdpOffer: string;
  ringTimeoutMs: number;
  events: OutboundDialogEvents;
}

export class Dialer {
  /** By Call-ID and our tag: what the far end's requests carry as Call-ID and To tag. */
  private readonly dialogs = new Map<string, OutboundDialog>();

  constructor(
    private readonly sip: SipClient,
    private readonly trunks: TrunkDirectory | undefined,
    private readonly admission: TrunkAdmission | undefined,
  ) {}

  get activeDialogs(): number {
    return this.dialogs.size;
  }

  /** The trunk that would carry a call to `number`; FAILED_PRECONDITION (NO_ROUTE) when none does. */
  route(number: string): OutboundTrunk {
    const trunk = this.trunks?.routeFor(number);
    if (!trunk) {
      throw new ParleyError('PARLEY_SIP_GATEWAY_NO_ROUTE', `no trunk calls ${number}`, {
        status: Status.FAILED_PRECONDITION,
        domain: 'sip-gateway',
      });
    }
    return trunk;
  }

  /** Starts the call; RESOURCE_EXHAUSTED (TRUNK_AT_CAPACITY) when the trunk's cap is reached. */
  dial(request: DialRequest): { dialog: OutboundDialog; trunk: OutboundTrunk } {
    const trunk = this.route(request.number);
    if (this.admission && !this.admission.hasRoom(trunk)) {
      throw new ParleyError('PARLEY_SIP_GATEWAY_TRUNK_AT_CAPACITY', `trunk ${trunk.id} is at its call cap`, {
        status: Status.RESOURCE_EXHAUSTED,
        domain: 'sip-gateway',
      });
    }
    const { proxy, credentials, callerId } = trunk.outbound;
    const separator = proxy.lastIndexOf(':');
    const host = proxy.slice(0, separator).replace(/^\[|\]$/g, '');
    const port = Number(proxy.slice(separator + 1));
    this.admission?.started(trunk.id);
    const dialog = this.start(
      {
        proxy: { address: host, port },
        requestUri: `sip:${request.number}@${proxy}`,
        callerId: request.callerId || callerId,
        credentials,
      },
      request,
      () => this.admission?.ended(trunk.id),
    );
    return { dialog, trunk };
  }

  /** Calls a SIP phone at its registered contact, sending to where it registered from (no trunk, no cap). */
  dialContact(request: Omit<DialRequest, 'number'> & { contactUri: string; hop: SipHop; callerId: string }) {
    return this.start(
      { proxy: request.hop, requestUri: request.contactUri, callerId: request.callerId, credentials: undefined },
      request,
      () => undefined,
    );
  }

  private start(
    route: Pick<OutboundDialogOptions, 'proxy' | 'requestUri' | 'callerId' | 'credentials'>,
    request: Omit<DialRequest, 'number'>,
    onRelease: () => void,
  ): OutboundDialog {
    let key = '';
    const release = () => {
      if (this.dialogs.delete(key)) onRelease();
    };
    const dialog = new OutboundDialog({
      sip: this.sip,
      ...route,
      ...(request.callId ? { callId: request.callId } : {}),
      sdpOffer: request.sdpOffer,
      ringTimeoutMs: request.ringTimeoutMs,
      events: {
        ringing: () => request.events.ringing(),
        answered: (sdp) => request.events.answered(sdp),
        failed: (status, reason) => {
          release();
          request.events.failed(status, reason);
        },
        ended: (by) => {
          release();
          request.events.ended(by);
        },
      },
    });
    key = `${dialog.callId}|${dialog.localTag}`;
    this.dialogs.set(key, dialog);
    dialog.start();
    return dialog;
  }

  /** The dialog an in-dialog request from a far end belongs to (by Call-ID and the To tag, which is ours). */
  dialogFor(request: SipRequest): OutboundDialog | undefined {
    const toTag = /;\s*tag\s*=\s*([^;\s]+)/i.exec(request.headers.get('To') ?? '')?.[1] ?? '';
    return this.dialogs.get(`${request.headers.get('Call-ID')}|${toTag}`);
  }

  /** Ends every call (shutdown). */
  close(): void {
    for (const dialog of [...this.dialogs.values()]) dialog.hangUp();
  }
}
