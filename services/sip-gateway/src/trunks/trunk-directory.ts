// Answers the two questions an inbound INVITE raises: which trunk sent it (by source address — anything else is
// refused with 403), and which flow its dialled number starts (unknown numbers get 404); and the one an outbound call
// raises: which trunk takes the number (the longest matching prefix).
import ipaddr from 'ipaddr.js';
import type { OutboundTrunk, Trunk } from './trunk-config.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export class TrunkDirectory {
  private readonly ranges: { trunk: Trunk; range: Range }[] = [];

  constructor(readonly trunks: readonly Trunk[]) {
    for (const trunk of trunks)
      for (const source of trunk.sources) {
        const range: Range = source.includes('/')
          ? ipaddr.parseCIDR(source)
          : (() => {
              const address = ipaddr.parse(source);
              return [address, address.kind() === 'ipv4' ? 32 : 128] as Range;
            })();
        this.ranges.push({ trunk, range });
      }
  }

  /** The trunk whose sources include `address` (IPv4-mapped IPv6 addresses count as IPv4). */
  trunkFor(address: string): Trunk | undefined {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.process(address);
    } catch {
      return undefined;
    }
    return this.ranges.find(({ range }) => parsed.kind() === range[0].kind() && parsed.match(range))?.trunk;
  }

  /** The trunk that calls `number` (E.164): the longest prefix wins, the first trunk listed among equals. */
  routeFor(number: string): OutboundTrunk | undefined {
    let best: { trunk: OutboundTrunk; length: number } | undefined;
    for (const trunk of this.trunks) {
      if (!trunk.outbound) continue;
      for (const prefix of trunk.outbound.prefixes)
        if (number.startsWith(prefix) && prefix.length > (best?.length ?? -1))
          best = { trunk: trunk as OutboundTrunk, length: prefix.length };
    }
    return best?.trunk;
  }

  /** The flow for the number in a Request-URI's user part or a tel: URI ("+48 22 123 45 67", "0048…" tolerated). */
  flowFor(trunk: Trunk, dialled: string): string | undefined {
    const number = normaliseDialled(dialled);
    return number ? trunk.dids[number] : undefined;
  }
}

/** Visual separators dropped, a leading 00 read as +; undefined if what is left is not E.164. */
export function normaliseDialled(dialled: string): string | undefined {
  const compact = dialled.replace(/[\s().-]/g, '').replace(/^00/, '+');
  return /^\+[1-9][0-9]{6,14}$/.test(compact) ? compact : undefined;
}
