// Keys towards the customer (an agent keying through another company's IVR): RFC 4733 events at media when the
// customer's side negotiated telephone-event, else one SIP INFO (application/dtmf-relay) per key, paced like key
// presses; "," pauses 500 ms.
import { Status, type RpcClient } from '@parley/kit';
import type { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { callError, type CallSession } from './call-session.js';

export interface CustomerKeysDeps {
  media: RpcClient<typeof MediaServiceService>;
  /** SIP INFO in a call we answered; resolves with whether the caller took it. */
  sendInfo: (callId: string, body: { contentType: string; text: string }) => Promise<boolean>;
}

const PAUSE_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function sendKeysToCustomer(
  session: CallSession,
  digits: string,
  digitMs: number,
  deps: CustomerKeysDeps,
): Promise<void> {
  const { placed } = session;
  const rfc4733 = placed ? placed.takesTelephoneEvent : (session.call.audio?.telephoneEventPayloadType ?? 0) > 0;
  if (rfc4733) {
    await deps.media.sendDtmf(
      { leg: { rtpEndpointId: session.endpointId }, digits, digitDurationMs: digitMs },
      // Media answers once the keys are out: a generous bound on that (a key with its gap, or a pause).
      { timeoutMs: digits.length * (digitMs + PAUSE_MS) + 5_000 },
    );
    return;
  }
  for (const digit of digits) {
    if (digit === ',') {
      await sleep(PAUSE_MS);
      continue;
    }
    const body = { contentType: 'application/dtmf-relay', text: `Signal=${digit}\r\nDuration=${digitMs}\r\n` };
    const taken = placed ? await placed.info(body) : await deps.sendInfo(session.call.callId, body);
    if (!taken) {
      throw callError(
        'PARLEY_SIP_GATEWAY_DTMF_REFUSED',
        Status.FAILED_PRECONDITION,
        `the customer's side did not take key "${digit}" by SIP INFO`,
      );
    }
    await sleep(digitMs);
  }
}
