// Regenerates the TypeScript code and the descriptor set from every .proto, offline (buf + ts-proto from npm).
// With --check it generates into a scratch folder and fails if the committed output differs (stale code in CI).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const protosDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const buf = join(protosDir, 'node_modules', '.bin', 'buf');
const check = process.argv.includes('--check');
// --module <dir>: another buf module (with its own buf.yaml and buf.gen.yaml), e.g. the kit's test contracts.
const moduleIndex = process.argv.indexOf('--module');
const packageDir = moduleIndex > 0 ? resolve(process.argv[moduleIndex + 1] ?? '.') : protosDir;

function generateInto(outDir) {
  const run = (args) => execFileSync(buf, args, { cwd: packageDir, stdio: 'inherit' });
  run(['lint']);
  run(['generate', '--output', outDir]);
  run(['build', '--exclude-source-info', '--output', join(outDir, 'gen', 'descriptor.binpb')]);
}

function listFiles(dir) {
  if (!statSync(dir, { throwIfNoEntry: false })) return [];
  return readdirSync(dir, { recursive: true })
    .map((entry) => join(dir, String(entry)))
    .filter((file) => statSync(file).isFile())
    .map((file) => relative(dir, file))
    .sort();
}

function differences(expectedDir, actualDir) {
  const expected = listFiles(expectedDir);
  const actual = listFiles(actualDir);
  const all = [...new Set([...expected, ...actual])].sort();
  return all.filter((file) => {
    if (!expected.includes(file) || !actual.includes(file)) return true;
    return !readFileSync(join(expectedDir, file)).equals(readFileSync(join(actualDir, file)));
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'parley-protos-'));
try {
  generateInto(scratch);
  const generated = join(scratch, 'gen');
  const committed = join(packageDir, 'gen');
  if (check) {
    const stale = differences(generated, committed);
    if (stale.length > 0) {
      console.error(`generated code is stale; run \`pnpm gen\` and commit. Differing files:\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log('generated code is up to date');
  } else {
    rmSync(committed, { recursive: true, force: true });
    cpSync(generated, committed, { recursive: true });
    console.log(`generated ${listFiles(committed).length} files into ${relative(process.cwd(), committed) || '.'}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
