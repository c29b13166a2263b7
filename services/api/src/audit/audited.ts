// Runs a state-changing command and writes its audit record: "ok" after it succeeded, "failed" with the reason when
// it did not (the failure is then passed on). A record that cannot be stored fails a successful command.
import type { AuditCaller, AuditLog } from './audit-log.js';

export async function audited(
  audit: AuditLog,
  caller: AuditCaller,
  action: string,
  target: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    await audit.record(caller, { action, target, outcome: 'failed', detail: String(error) }).catch(() => undefined);
    throw error;
  }
  await audit.record(caller, { action, target, outcome: 'ok' });
}
