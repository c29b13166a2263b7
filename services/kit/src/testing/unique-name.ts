// Names that cannot collide between test files running in parallel, or with a previous run's leftovers.
import { randomBytes } from 'node:crypto';

/** "prefix_k3f9a0c2b1": lower case, valid as a NATS subject token, a stream suffix and a database name. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`.toLowerCase();
}
