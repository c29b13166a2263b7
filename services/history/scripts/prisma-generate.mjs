// Generates Prisma Client into src/gen/prisma. The client is not committed: Prisma embeds the checkout's absolute
// paths in it, so it is generated on `pnpm install` (postinstall) and again by `gen`/`gen:check` (CI runs the latter
// before type-checking). Usage: pnpm --filter @parley/history gen
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The client generator uses no native engine; these keep the CLI from trying to download ones it would not use.
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? '/bin/false',
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
rmSync(path.join(root, 'src/gen/prisma'), { recursive: true, force: true });
execFileSync('prisma', ['generate', '--no-hints'], { cwd: root, env, stdio: 'pipe' });
console.log('generated src/gen/prisma from prisma/schema.prisma');
