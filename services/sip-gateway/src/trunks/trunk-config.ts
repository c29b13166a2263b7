// Trunks: the carriers' connections. Each lists the addresses it sends from (single addresses or CIDR ranges), a
// cap on concurrent calls (inbound and outbound together), optional digest credentials it must answer (inbound), the
// dialled numbers (DIDs) it delivers, each mapped to a flow, and optionally how Parley calls out through it (the
// carrier's proxy, the number prefixes it takes, the caller id, the credentials the carrier challenges for).
// Loaded from SIP_TRUNKS (JSON) and validated here; a bad entry is named by path.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const e164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number (+ and 7 to 15 digits)');

const source = z.string().refine((text) => {
  try {
    if (text.includes('/')) ipaddr.parseCIDR(text);
    else ipaddr.parse(text);
    return true;
  } catch {
    return false;
  }
}, 'must be an IP address or a CIDR range');

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/, 'must be host:port (an IPv6 host in brackets)');

const outboundSchema = z.strictObject({
  /** The carrier's SIP proxy every outbound INVITE goes to (UDP), host:port. */
  proxy: hostPort,
  /** Numbers this trunk calls: E.164 prefixes ("+48", "+4822"); the longest match over all trunks wins. */
  prefixes: z
    .array(z.string().regex(/^\+[0-9]{0,15}$/, 'must be a + and up to 15 digits'))
    .min(1)
    .default(['+']),
  /** Caller id presented when the call has none of its own to present. */
  callerId: e164,
  /** The G.711 law offered on calls that do not continue another call's audio (callbacks, outbound). */
  codec: z.enum(['PCMA', 'PCMU']).default('PCMA'),
  /** The carrier's digest account, answered when it challenges an INVITE or a REGISTER (401/407). */
  credentials: z.strictObject({ username: z.string().min(1), password: z.string().min(1) }).optional(),
  /**
   * Register with the carrier (those that deliver calls only to registered customers): the address of record's user
   * (default the credentials' username, else the caller id) and the expiry asked for; refreshed before it runs out.
   */
  register: z
    .strictObject({
      user: z.string().min(1).max(64).optional(),
      expiresSeconds: z.number().int().min(60).max(86_400).default(600),
    })
    .optional(),
});

export const trunkSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and -'),
  name: z.string().min(1).max(200),
  /** Where the carrier sends from. */
  sources: z.array(source).min(1),
  /** Concurrent calls the contract allows. */
  maxCalls: z.number().int().min(1).max(100_000),
  /** When set, the carrier's INVITEs must answer a digest challenge with these. */
  inboundCredentials: z.strictObject({ username: z.string().min(1), password: z.string().min(8) }).optional(),
  /** Dialled number → flow id. */
  dids: z.record(e164, z.string().min(1)).refine((dids) => Object.keys(dids).length > 0, 'needs at least one DID'),
  /** Calling out through this trunk; absent: inbound only. */
  outbound: outboundSchema.optional(),
});

export const trunksSchema = z.array(trunkSchema).superRefine((trunks, context) => {
  const seen = new Map<string, number>();
  trunks.forEach((trunk, i) => {
    for (const did of Object.keys(trunk.dids)) {
      const other = seen.get(did);
      if (other !== undefined)
        context.addIssue({ code: 'custom', path: [i, 'dids', did], message: `already on trunk ${trunks[other]?.id}` });
      seen.set(did, i);
    }
  });
});

export type Trunk = z.output<typeof trunkSchema>;
export type OutboundTrunk = Trunk & { outbound: z.output<typeof outboundSchema> };
