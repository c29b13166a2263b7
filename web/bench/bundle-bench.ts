// The agent desktop's weight and start-up: the production build's initial load (the entry script, its static
// imports and styles, gzip level 9) against the 300 KB goal, the on-demand chunks apart, then time to interactive in
// Chromium against the whole local stack: a fresh tab (empty cache, an existing sign-in at the provider, so the
// OpenID redirect round trip is included) until the desk is connected and "Go available" can be pressed.
//   pnpm --filter @parley/web bench:bundle [-- --rounds 5] [-- --size-only]
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { launchChromium, signInAt } from '../test/support/chromium.js';
import { startLocalStack } from '../test/support/local-stack.js';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(webRoot, 'dist');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;

await build({ root: webRoot, logLevel: 'warn' });
const html = await readFile(path.join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
const assets = (await readdir(path.join(dist, 'assets'))).filter((file) => /\.(js|css)$/.test(file));
const gzipped = async (file: string) => gzipSync(await readFile(path.join(dist, file)), { level: 9 }).length;
let initialBytes = gzipSync(html, { level: 9 }).length;
console.log('initial load (gzip -9):');
for (const file of initial) {
  const size = await gzipped(file);
  initialBytes += size;
  console.log(`  ${file.padEnd(40)} ${(size / 1024).toFixed(1)} KB`);
}
console.log(`  total with index.html                     ${(initialBytes / 1024).toFixed(1)} KB (goal < 300 KB)`);
console.log('on demand:');
for (const file of assets.filter((each) => !initial.includes(`assets/${each}`)))
  console.log(`  assets/${file.padEnd(33)} ${((await gzipped(`assets/${file}`)) / 1024).toFixed(1)} KB`);

if (!process.argv.includes('--size-only')) {
  const stack = await startLocalStack({ readyLine: /demo: log in at/, timeoutMs: 240_000 });
  const chromium = await launchChromium(600);
  try {
    const first = await signInAt(chromium.browser, stack.url, 'anna', 'anna-demo-pass');
    const signedIn = await first.context().storageState();
    const times: { painted: number; interactive: number; wall: number }[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const context = await chromium.browser.newContext({ storageState: signedIn });
      const page = await context.newPage();
      const clicked = Date.now();
      await page.goto(stack.url);
      await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
      await page.getByRole('button', { name: 'Go available' }).waitFor();
      const sinceStart = await page.evaluate(() => performance.now());
      const painted = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      );
      times.push({ painted, interactive: sinceStart, wall: Date.now() - clicked });
      await context.close();
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`time to interactive, ${rounds} fresh tabs (empty cache, signed in at the provider):`);
    console.log(`  from opening the address, OpenID redirects included: median ${median(times.map((t) => t.wall))} ms`);
    console.log(`  from the desk page's own navigation start (after the redirect back):`);
    console.log(`    first contentful paint median ${median(times.map((t) => t.painted)).toFixed(0)} ms`);
    console.log(`    connected and usable median ${median(times.map((t) => t.interactive)).toFixed(0)} ms`);
    console.log(`  machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  } finally {
    await chromium.close();
    await stack.stop();
  }
}
