// ROUTING_PARTITIONS: which sites each routing partition owns, and the mistakes an operator can make writing it.
import { describe, expect, it } from 'vitest';
import { loadRoutingConfig } from '../../src/config.js';
import { parsePartitions, partitionOfSite } from '../../src/partitions/index.js';

describe('routing partitions configuration', () => {
  it('defaults to one partition over every site', () => {
    const config = loadRoutingConfig({});
    expect(config.ROUTING_PARTITIONS).toEqual([{ name: 'p0', siteIds: undefined }]);
    expect(partitionOfSite(config.ROUTING_PARTITIONS, 'anywhere')?.name).toBe('p0');
  });

  it('parses partitions of named sites and finds the owner of a site', () => {
    const { partitions, problems } = parsePartitions(' eu = waw, krk ; us=nyc ');
    expect(problems).toEqual([]);
    expect(partitions).toEqual([
      { name: 'eu', siteIds: ['waw', 'krk'] },
      { name: 'us', siteIds: ['nyc'] },
    ]);
    expect(partitionOfSite(partitions, 'krk')?.name).toBe('eu');
    expect(partitionOfSite(partitions, 'nyc')?.name).toBe('us');
    expect(partitionOfSite(partitions, 'sfo')).toBeUndefined();
  });

  it('names every mistake', () => {
    expect(parsePartitions('eu=waw;eu=krk').problems).toContain('partition "eu" is listed twice');
    expect(parsePartitions('eu=waw;us=waw').problems).toContain('site "waw" is in partitions "eu" and "us"');
    expect(parsePartitions('eu=*;us=nyc').problems).toContain(
      '"*" (every site) is only allowed for a single partition',
    );
    expect(parsePartitions('EU.1=waw').problems).toContain('partition name "EU.1" must be a NATS subject token');
    expect(parsePartitions('eu=waw,').problems).toContain('partition "eu": site "" must be a NATS subject token');
    expect(parsePartitions(' ; ').problems).toContain('at least one partition is required');
  });

  it('refuses a bad ROUTING_PARTITIONS at start-up, naming the variable', () => {
    expect(() => loadRoutingConfig({ ROUTING_PARTITIONS: 'eu=waw;us=waw' })).toThrow(/ROUTING_PARTITIONS/);
  });
});
