// DTMF carried by SIP INFO (the de-facto formats; RFC 4733 events on the media path are the media service's):
// application/dtmf-relay ("Signal=5\r\nDuration=160") and application/dtmf ("5").

export const dtmfInfoTypes = ['application/dtmf-relay', 'application/dtmf'] as const;

/** The key an INFO body carries (0-9, *, #, A-D), or undefined if the body is not one. */
export function dtmfKeyOf(body: string, contentType: string): string | undefined {
  const signal = contentType === 'application/dtmf' ? body.trim() : /^\s*Signal\s*=\s*(\S+)\s*$/im.exec(body)?.[1];
  const key = signal?.toUpperCase();
  return key && /^[0-9*#A-D]$/.test(key) ? key : undefined;
}
