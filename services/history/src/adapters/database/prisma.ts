// Prisma Client over the pg driver adapter (no native query engine: see prisma/schema.prisma). The record's
// commands and its per-interaction reads go through it; the hot set-based paths (ingest, timeline, search, export)
// stay in SQL over the pg pool.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../gen/prisma/client.js';

export type HistoryPrisma = PrismaClient;

export function createPrismaClient(url: string, max = 4): HistoryPrisma {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
}
