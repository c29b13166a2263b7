// Prisma CLI configuration. The CLI here is Prisma 6.19.3 with a driver adapter, so it runs Prisma's WASM schema
// engine (the native engine cannot be downloaded on these machines): `migrate diff` generates the SQL, and
// scripts/migrate.ts applies it (see README, "Migrations").
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  async adapter() {
    return new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    });
  },
});
