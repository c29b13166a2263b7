// Routing partitions: each owns the queues and agents of a group of sites and is owned by one replica at a time.
// An agent belongs to the partition of its site, so no two owners ever offer work to the same agent; a queue's
// widening steps can reach other sites only inside its partition. One partition ("p0", every site) is the default.

export interface RoutingPartition {
  /** A NATS subject token: it names the lease key, the operation log and the RPC subjects. */
  name: string;
  /** The sites whose agents and queues the partition owns; undefined = every site (single-partition setups). */
  siteIds: readonly string[] | undefined;
}

export const defaultPartitions: readonly RoutingPartition[] = [{ name: 'p0', siteIds: undefined }];

const token = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Parses `ROUTING_PARTITIONS`: `name=site,site;name=site` (e.g. `eu=waw,krk;us=nyc`), or `name=*` alone for one
 * partition over every site. Returns the problems instead of throwing so the config schema can name them.
 */
export function parsePartitions(text: string): { partitions: RoutingPartition[]; problems: string[] } {
  const partitions: RoutingPartition[] = [];
  const problems: string[] = [];
  const siteOwner = new Map<string, string>();
  for (const entry of text.split(';').map((part) => part.trim())) {
    if (!entry) continue;
    const [name = '', sites = ''] = entry.split('=').map((part) => part.trim());
    if (!token.test(name)) problems.push(`partition name "${name}" must be a NATS subject token`);
    if (partitions.some((p) => p.name === name)) problems.push(`partition "${name}" is listed twice`);
    if (sites === '*') {
      partitions.push({ name, siteIds: undefined });
      continue;
    }
    const siteIds = sites.split(',').map((site) => site.trim());
    for (const site of siteIds) {
      if (!token.test(site)) problems.push(`partition "${name}": site "${site}" must be a NATS subject token`);
      const other = siteOwner.get(site);
      if (other) problems.push(`site "${site}" is in partitions "${other}" and "${name}"`);
      siteOwner.set(site, name);
    }
    partitions.push({ name, siteIds });
  }
  if (partitions.length === 0) problems.push('at least one partition is required');
  if (partitions.length > 1 && partitions.some((p) => p.siteIds === undefined))
    problems.push('"*" (every site) is only allowed for a single partition');
  return { partitions, problems };
}

/** Whether the partition owns the site. */
export function partitionHasSite(partition: RoutingPartition, siteId: string): boolean {
  return partition.siteIds === undefined || partition.siteIds.includes(siteId);
}

/** The partition that owns a site, for callers that must address the right owner. */
export function partitionOfSite(partitions: readonly RoutingPartition[], siteId: string): RoutingPartition | undefined {
  return partitions.find((partition) => partitionHasSite(partition, siteId));
}

/** The RPC domain a partition's owner serves: requests go to `parley.rpc.<prefix>.<partition>.<Method>`. */
export function partitionRpcDomain(prefix: string, partition: string): string {
  return `${prefix}.${partition}`;
}
