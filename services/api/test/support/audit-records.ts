// Reading a test's audit stream back: every record stored so far, oldest first.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@parley/kit';
import type { AuditRecord, AuditStreamConfig } from '../../src/audit/audit-log.js';

export async function auditRecords(nc: NatsConnection, audit: AuditStreamConfig): Promise<AuditRecord[]> {
  const stored = (await (await jetstreamManager(nc)).streams.info(audit.stream)).state.messages;
  if (stored === 0) return [];
  const consumer = await jetstream(nc).consumers.get(audit.stream);
  const records: AuditRecord[] = [];
  // Asking for exactly what is stored: the fetch ends with the last record instead of waiting out its expiry.
  const batch = await consumer.fetch({ max_messages: stored, expires: 5_000 });
  for await (const message of batch) {
    records.push(message.json<AuditRecord>());
    if (records.length === stored) break;
  }
  return records;
}
