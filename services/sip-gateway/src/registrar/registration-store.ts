// Live bindings of SIP phones (RFC 3261 §10), shared by every gateway replica of a site through a JetStream KV
// bucket: key "<username>.<contact hash>" holds one binding (JSON). A binding past its expiry is treated as gone
// and removed when met; the bucket's max age drops what nobody meets again.
import { createHash } from 'node:crypto';
import { openKeyValue, type KV, type NatsConnection } from '@parley/kit';

export interface Binding {
  /** sip:<username>@<domain> */
  aor: string;
  username: string;
  agentId: string;
  /** The phone's Contact URI: the Request-URI of the INVITEs that ring it. */
  contactUri: string;
  /** Where the REGISTER came from: where requests to the phone are sent (it may sit behind NAT). */
  source: { address: string; port: number; transport: 'udp' | 'tcp' | 'tls' };
  userAgent: string;
  registeredAt: string;
  expiresAt: string;
  site: string;
}

/** Longer than any binding may last (the registrar's maximum expiry). */
const BUCKET_MAX_AGE_MS = 2 * 60 * 60 * 1000;

export class RegistrationStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string): Promise<RegistrationStore> {
    return new RegistrationStore(await openKeyValue(nc, bucket, { ttl: BUCKET_MAX_AGE_MS }));
  }

  async put(binding: Binding): Promise<void> {
    await this.kv.put(keyOf(binding.username, binding.contactUri), JSON.stringify(binding));
  }

  async remove(username: string, contactUri: string): Promise<void> {
    await this.kv.delete(keyOf(username, contactUri));
  }

  /** The user's live bindings (all of them when `username` is undefined), expired ones removed on the way. */
  async list(username?: string, now = new Date()): Promise<Binding[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys(username ? `${username}.*` : '>')) keys.push(key);
    const bindings: Binding[] = [];
    for (const key of keys) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const binding = JSON.parse(entry.string()) as Binding;
      if (new Date(binding.expiresAt) <= now) await this.kv.delete(key).catch(() => undefined);
      else bindings.push(binding);
    }
    return bindings.sort((a, b) => a.aor.localeCompare(b.aor) || a.registeredAt.localeCompare(b.registeredAt));
  }
}

/** KV keys allow letters, digits, - _ = . and /: the contact goes in as a hash. */
function keyOf(username: string, contactUri: string): string {
  return `${username}.${createHash('sha256').update(contactUri).digest('hex').slice(0, 24)}`;
}
