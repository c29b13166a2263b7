// ULIDs that a replay or a retried command reproduces exactly: the time part from the operation's time, the random
// part from a hash of a stable key. A standby rebuilding from the operation log therefore re-creates the same offer and event ids, so
// re-published events are dropped by JetStream's de-duplication and clients' retries find the same offers.
import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function deterministicUlid(timeMs: number, key: string): string {
  const digest = createHash('sha256').update(key).digest();
  let random = '';
  // 16 base32 characters = 80 bits, taken 5 bits at a time from the digest.
  for (let i = 0; i < 16; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const value = (((digest[byte] ?? 0) << 8) | (digest[byte + 1] ?? 0)) >> (11 - (bit & 7));
    random += crockford[value & 31];
  }
  return encodeTime(timeMs, 10) + random;
}
