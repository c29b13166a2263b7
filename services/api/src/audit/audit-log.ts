// The audit log: every state-changing call through the API (who, what, on what, when, from where, and how it ended,
// refusals included) as one JSON record in the PARLEY_AUDIT JetStream stream, subject `parley.audit.<site>.<action>`,
// kept for a year. JetStream, not just a log line: records survive pod restarts, can be read back by site or action
// (audit-reader.ts), and a record that cannot be stored fails the call rather than going unrecorded.
import { nanos } from '@nats-io/transport-node';
import {
  DiscardPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { publishToStream, upsertStream, type NatsConnection } from '@parley/kit';
import { ulid } from 'ulid';
import type { Principal } from '../auth/principal.js';
import { readAudit, type AuditPage, type AuditQuery } from './audit-reader.js';

export interface AuditStreamConfig {
  stream: string;
  subjectPrefix: string;
  maxAgeMs: number;
}

export const defaultAuditStream: AuditStreamConfig = {
  stream: 'PARLEY_AUDIT',
  subjectPrefix: 'parley.audit',
  maxAgeMs: 400 * 24 * 60 * 60 * 1000,
};

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  /** What was asked, as `<object>.<verb>`, e.g. "queue.upsert", "agent.force_state", "chat.start". */
  action: string;
  /** What it was asked of, e.g. "queue/support", "agent/anna". */
  target: string;
  outcome: AuditOutcome;
  /** Why it was refused or failed; what changed when that is short. */
  detail?: string;
  /** The site the target belongs to (the caller's otherwise). */
  site?: string;
}

export interface AuditCaller {
  principal?: Principal | undefined;
  /** Visitors of the chat widget have no principal: their visitor id. */
  visitorId?: string;
  address: string;
  userAgent?: string | undefined;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: string;
  actor: { subject: string; username: string; roles: string[]; site: string | null } | { visitorId: string };
  from: { address: string; userAgent: string | null };
}

export class AuditLog {
  private jsm: Promise<JetStreamManager> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly config: AuditStreamConfig = defaultAuditStream,
    private readonly defaultSite = 'unknown',
  ) {}

  static async ensureStream(jsm: JetStreamManager, config: AuditStreamConfig = defaultAuditStream): Promise<void> {
    await upsertStream(jsm, {
      name: config.stream,
      subjects: [`${config.subjectPrefix}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(config.maxAgeMs),
      duplicate_window: nanos(2 * 60 * 1000),
      // Read back with direct gets (any replica of the stream answers, no consumer is made).
      allow_direct: true,
    });
  }

  /** Stores the record; resolves once JetStream has it. */
  async record(caller: AuditCaller, entry: AuditEntry): Promise<AuditRecord> {
    const principal = caller.principal;
    const site = entry.site ?? principal?.site ?? this.defaultSite;
    const record: AuditRecord = {
      id: ulid(),
      at: new Date().toISOString(),
      ...entry,
      site,
      actor: principal
        ? {
            subject: principal.subject,
            username: principal.username,
            roles: [...principal.roles],
            site: principal.site ?? null,
          }
        : { visitorId: caller.visitorId ?? 'anonymous' },
      from: { address: caller.address, userAgent: caller.userAgent ?? null },
    };
    const subject = `${this.config.subjectPrefix}.${subjectToken(site)}.${subjectToken(entry.action)}`;
    await publishToStream(this.nc, subject, new TextEncoder().encode(JSON.stringify(record)), {
      msgID: record.id,
      timeoutMs: 5_000,
    });
    return record;
  }

  /** Stored records, newest first: one site's (every site's without one), since a time, bounded (audit-reader.ts). */
  async read(query: AuditQuery): Promise<AuditPage> {
    this.jsm ??= jetstreamManager(this.nc, { checkAPI: false });
    const subjectPrefix =
      query.site === undefined ? undefined : `${this.config.subjectPrefix}.${subjectToken(query.site)}.`;
    return readAudit(await this.jsm, { stream: this.config.stream, subjectPrefix }, query);
  }
}

/** Subject tokens: dots stay separators in actions ("queue.upsert"), anything else unsafe becomes "_". */
function subjectToken(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+|\.+$/g, '') || '_';
}
