// Agents and queues belong to the partition of their sites: one owner offers work to an agent, and a queue's
// widening steps reach other sites only inside the partition. A record for another partition's site is refused
// with the partition that owns it, so the caller can send it there.
import { ParleyError, Status } from '@parley/kit';
import { partitionHasSite } from '../partitions/index.js';
import { RpcErrorCode } from './errors.js';
import type { HandlerContext } from './handler-context.js';

export function requireSitesInPartition(
  ctx: HandlerContext,
  sites: readonly { field: string; siteId: string }[],
): void {
  const { partition } = ctx;
  if (!partition) return;
  for (const { field, siteId } of sites) {
    if (partitionHasSite(partition, siteId)) continue;
    throw new ParleyError(
      RpcErrorCode.WRONG_PARTITION,
      `site "${siteId}" (${field}) is not in routing partition "${partition.name}"; send the request to the partition that owns the site`,
      {
        status: Status.FAILED_PRECONDITION,
        domain: 'routing',
        fieldViolations: [{ field, description: `site not in routing partition "${partition.name}"` }],
      },
    );
  }
}
