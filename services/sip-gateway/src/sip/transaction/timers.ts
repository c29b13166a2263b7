// RFC 3261 §17 timer values (table 4). T1 is the round-trip estimate, T2 the cap on retransmission intervals, T4
// how long a message may stay in the network. Configurable: a LAN deployment may shorten T1.
export interface SipTimers {
  t1: number;
  t2: number;
  t4: number;
}

export const defaultSipTimers: SipTimers = { t1: 500, t2: 4_000, t4: 5_000 };

/** The clock the transaction layer runs on: real timers in the gateway, fake ones in tests. */
export interface TimerScheduler {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: TimerScheduler = {
  set: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
