// Generates the next migration from prisma/schema.prisma: prisma/migrations/<utc stamp>_<name>/ with migration.sql
// (previous schema → current), down.sql (current → previous) and schema.prisma (the schema it leads to, which the
// next diff starts from). Usage: pnpm --filter @parley/history db:diff <name>
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: db:diff <name>   (lower case, digits and _)');
  process.exit(2);
}
const migrations = path.join(root, 'prisma', 'migrations');
const current = path.join(root, 'prisma', 'schema.prisma');
const previousDir = readdirSync(migrations, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
  .at(-1);
const previous = previousDir ? path.join(migrations, previousDir, 'schema.prisma') : undefined;
if (previous && !existsSync(previous)) throw new Error(`${previous} is missing: cannot diff from it`);

// Without these the CLI tries to download native engines it does not use with engine: 'js'.
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? '/bin/false',
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
};
const diff = (from, to) =>
  execFileSync('prisma', ['migrate', 'diff', ...from, ...to, '--script'], { cwd: root, env, encoding: 'utf8' });
const fromPrevious = previous ? ['--from-schema-datamodel', previous] : ['--from-empty'];
const up = diff(fromPrevious, ['--to-schema-datamodel', current]);
const down = diff(
  ['--from-schema-datamodel', current],
  previous ? ['--to-schema-datamodel', previous] : ['--to-empty'],
);

const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const dir = path.join(migrations, `${stamp}_${name}`);
mkdirSync(dir);
writeFileSync(path.join(dir, 'migration.sql'), up);
writeFileSync(path.join(dir, 'down.sql'), down);
copyFileSync(current, path.join(dir, 'schema.prisma'));
console.log(`wrote ${path.relative(root, dir)}: review migration.sql and down.sql before committing`);
