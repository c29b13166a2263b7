// Reading the audit log back, newest first: the records stored since a time, of one site or every site, optionally
// on one target. Read backwards from the stream's last message with direct gets by sequence, a batch at a time in
// parallel (NATS 2.9 has neither a batch nor a backward read), and bounded: it stops at the limit, at the first
// record stored before `since`, at the stream's first message, or after SCAN_BUDGET messages — never the whole
// stream.
import type { JetStreamManager } from '@nats-io/jetstream';
import { ParleyError, Status } from '@parley/kit';
import type { AuditRecord } from './audit-log.js';

export interface AuditQuery {
  /** Records stored at or after this time. */
  since: Date;
  /** At most this many, the newest. */
  limit: number;
  /** Only this site's records (all sites' without). */
  site?: string | undefined;
  /** Only records on this target, e.g. "agent/anna". */
  target?: string | undefined;
}

export interface AuditPage {
  /** Newest first. */
  records: AuditRecord[];
  /** Whether every matching record since `since` is here: false when the limit or the scan budget ended the read. */
  complete: boolean;
}

/** Messages looked at, at most, per read: a site's records among many other sites', or a rare target. */
export const SCAN_BUDGET = 5_000;
const FIRST_BATCH = 32;
const MAX_BATCH = 256;

export async function readAudit(
  jsm: JetStreamManager,
  where: { stream: string; subjectPrefix: string | undefined },
  query: AuditQuery,
): Promise<AuditPage> {
  const { stream, subjectPrefix } = where;
  try {
    const { state } = await jsm.streams.info(stream);
    const since = query.since.getTime();
    const records: AuditRecord[] = [];
    let next = state.last_seq;
    let batch = Math.min(FIRST_BATCH, query.limit);
    let scanned = 0;
    while (state.messages > 0 && next >= state.first_seq) {
      if (scanned >= SCAN_BUDGET) return { records, complete: false };
      const size = Math.min(batch, next - state.first_seq + 1, SCAN_BUDGET - scanned);
      const sequences = Array.from({ length: size }, (_, index) => next - index);
      const messages = await Promise.all(sequences.map((seq) => jsm.direct.getMessage(stream, { seq })));
      scanned += size;
      next -= size;
      batch = Math.min(batch * 2, MAX_BATCH);
      for (const message of messages) {
        // Gone since the stream was looked at (the age limit), or never stored (a failed write's sequence).
        if (!message) continue;
        if (message.time.getTime() < since) return { records, complete: true };
        if (subjectPrefix && !message.subject.startsWith(subjectPrefix)) continue;
        const record = decodeRecord(message.data);
        if (!record || (query.target !== undefined && record.target !== query.target)) continue;
        records.push(record);
        if (records.length === query.limit) return { records, complete: false };
      }
    }
    return { records, complete: true };
  } catch (error) {
    throw new ParleyError('PARLEY_API_AUDIT_UNAVAILABLE', 'the audit log cannot be read now', {
      status: Status.UNAVAILABLE,
      domain: 'api',
      cause: error,
    });
  }
}

/** A stored record, or undefined for anything else on the stream's subjects (a record is never half-written). */
function decodeRecord(data: Uint8Array): AuditRecord | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(data)) as Partial<AuditRecord> | null;
    const text = (key: keyof AuditRecord) => typeof value?.[key] === 'string';
    if (!value || !text('id') || !text('at') || !text('action') || !text('target') || !text('outcome'))
      return undefined;
    if (typeof value.actor !== 'object' || value.actor === null) return undefined;
    return value as AuditRecord;
  } catch {
    return undefined;
  }
}
