// Reading a test's audit stream back: every record stored so far, oldest first.
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@parley/kit';
import type { AuditRecord, AuditStreamConfig } from '../../src/audit/audit-log.js';

export async function auditRecords(nc: NatsConnection, audit: AuditStreamConfig): Promise<AuditRecord[]> {
  const consumer = await jetstream(nc).consumers.get(audit.stream);
  const records: AuditRecord[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 });
    let got = 0;
    for await (const message of batch) {
      records.push(message.json<AuditRecord>());
      got += 1;
      if (message.info.pending === 0) break;
    }
    if (got === 0 || records.length > 10_000) return records;
    const info = await consumer.info(true);
    if (info.num_pending === 0) return records;
  }
}
