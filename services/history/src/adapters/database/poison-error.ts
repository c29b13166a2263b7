// Tells an event that can never be stored (the same bytes fail every time) from a database that is away for now
// (retrying succeeds): the ingest parks the first and retries the second.

/**
 * SQLSTATE class 22 (data exception: a NUL byte in a string, a number out of range) or 23 (integrity constraint):
 * the row itself is at fault. Connection losses, shutdowns (57), deadlocks and serialization failures (40) are not.
 */
export function isPoisonError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
