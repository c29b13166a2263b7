// Finds the service packages to start: every services/*/package.json with a `start` script that does not say
// `"parley": { "library": true }` (services/kit is shared code, not a process).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalRunnerError } from './errors.js';

export interface ServicePackage {
  /** The folder name (`routing`), used as the log prefix. */
  readonly name: string;
  readonly dir: string;
  readonly startScript: string;
}

interface PackageJson {
  scripts?: Record<string, unknown>;
  parley?: { library?: unknown };
}

export async function discoverServices(servicesDir: string): Promise<ServicePackage[]> {
  let entries: string[];
  try {
    entries = await readdir(servicesDir);
  } catch (cause) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_SERVICES_DIR_NOT_FOUND',
      `cannot read the services folder ${servicesDir}: check PARLEY_SERVICES_DIR`,
      { cause },
    );
  }

  const services: ServicePackage[] = [];
  for (const name of entries.sort()) {
    const dir = path.join(servicesDir, name);
    const manifest = await readPackageJson(path.join(dir, 'package.json'));
    if (manifest === undefined || manifest.parley?.library === true) continue;
    const start = manifest.scripts?.['start'];
    if (typeof start !== 'string' || start.trim() === '') continue;
    services.push({ name, dir, startScript: start });
  }
  return services;
}

async function readPackageJson(file: string): Promise<PackageJson | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined; // not a package (or a stray file next to the packages)
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as PackageJson;
  } catch (cause) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_SERVICE_PACKAGE_INVALID',
      `${file} is not valid package.json: ${String(cause)}`,
      {
        cause,
      },
    );
  }
}
