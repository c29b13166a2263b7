// Session timers for calls we answer (RFC 4028), so a call whose caller vanished without a BYE is ended even when
// its media keeps flowing (a stuck SBC, a one-way stream): a caller that supports timers and asks for an interval
// gets it (422 with our Min-SE below the minimum) with itself as the refresher; each re-INVITE or UPDATE in the
// call refreshes it; a session not refreshed in time is ended with our BYE (§10: a third of the interval, at most
// 32 s, before its end). Callers without timer support get none: media's RTP timeout clears their dead calls.
import type { SipRequest } from '../sip/message.js';

export interface SessionTimerOffer {
  /** 422 with Min-SE: the interval asked for is below our minimum. */
  refusal?: { status: 422; headers: [string, string][] };
  /** The interval in seconds, when the call runs with a session timer. */
  intervalSeconds?: number;
}

/** Reads Session-Expires / Min-SE / Supported of an INVITE against our minimum. */
export function negotiateSessionTimer(invite: SipRequest, minSeconds: number): SessionTimerOffer {
  const header = invite.headers.get('Session-Expires');
  if (header === undefined) return {};
  const requested = Number(/^\s*(\d+)/.exec(header)?.[1]);
  if (!Number.isInteger(requested) || requested <= 0) return {};
  if (requested < minSeconds) return { refusal: { status: 422, headers: [['Min-SE', String(minSeconds)]] } };
  const supported = (invite.headers.getAll('Supported').join(',') + ',' + (invite.headers.get('Require') ?? ''))
    .split(',')
    .map((option) => option.trim().toLowerCase());
  // Only a caller that can refresh gets a timer; refreshing it ourselves would need re-INVITEs from our side.
  if (!supported.includes('timer')) return {};
  return { intervalSeconds: requested };
}

/** The headers a 2xx carries for a call with a session timer (the caller refreshes). */
export function sessionTimerHeaders(intervalSeconds: number): [string, string][] {
  return [
    ['Session-Expires', `${intervalSeconds};refresher=uac`],
    ['Require', 'timer'],
  ];
}

/** One timer per call: armed at the answer, pushed back by each refresh, cleared when the call ends. */
export class SessionTimers {
  private readonly timers = new Map<string, { interval: number; timer: NodeJS.Timeout }>();

  constructor(private readonly onExpired: (dialogKey: string) => void) {}

  arm(dialogKey: string, intervalSeconds: number): void {
    this.clear(dialogKey);
    // RFC 4028 §10: the side not refreshing sends its BYE slightly before the end — by a third of the interval, at
    // most 32 s; the refresher refreshes at half of it.
    const graceMs = Math.min(32_000, (intervalSeconds * 1000) / 3);
    const timer = setTimeout(
      () => {
        this.timers.delete(dialogKey);
        this.onExpired(dialogKey);
      },
      intervalSeconds * 1000 - graceMs,
    );
    timer.unref();
    this.timers.set(dialogKey, { interval: intervalSeconds, timer });
  }

  /** A refresh (re-INVITE or UPDATE): the interval starts again; returns it, or undefined without a timer. */
  refresh(dialogKey: string): number | undefined {
    const current = this.timers.get(dialogKey);
    if (!current) return undefined;
    this.arm(dialogKey, current.interval);
    return current.interval;
  }

  clear(dialogKey: string): void {
    const current = this.timers.get(dialogKey);
    if (current) clearTimeout(current.timer);
    this.timers.delete(dialogKey);
  }

  close(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
