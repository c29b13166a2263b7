// Offer to ring: how long after routing publishes an offer for the agent the agent desktop in Chromium rings it.
// The whole local stack (`pnpm start`), anna signed in through the login page and available; each round a visitor
// starts a chat (POST /chat/v1/chats), routing offers it, this process notes when the offer.created event is on
// NATS, the page notes when the offer is on screen and ringing (window.parleyMetrics.rings), and the agent clears it
// through the desk (accept, end, wrap-up) before the next round. Prints p50/p95/p99/max over the rounds.
//   pnpm --filter @parley/web bench:ring [-- --offers 100]
import os from 'node:os';
import { connect } from '@nats-io/transport-node';
import { defaultEventStreams, EventFeed, eventFilter } from '@parley/kit';
import { launchChromium, signInAt } from '../test/support/chromium.js';
import { startLocalStack } from '../test/support/local-stack.js';

const offers = Number(process.argv[process.argv.indexOf('--offers') + 1]) || 100;
const natsPort = 4_000 + Math.floor(Math.random() * 900);

const stack = await startLocalStack({
  readyLine: /demo: log in at/,
  timeoutMs: 240_000,
  // One address starts every chat here: lift the per-address start limit for the bench.
  env: { PARLEY_LOCAL_NATS_PORT: String(natsPort), API_CHAT_STARTS_PER_HOUR: String(offers * 2) },
});
const chromium = await launchChromium(600);
const nc = await connect({ servers: `nats://127.0.0.1:${natsPort}` });
const published = new Map<string, number>();
const feed = new EventFeed(
  nc,
  eventFilter(defaultEventStreams, 'offer', 'waw'),
  (event) => event.agentId,
  () => {},
);
feed.listen('anna', (event) => {
  if (event.type === 'offer.created') published.set(event.offerId, Date.now());
});
try {
  const page = await signInAt(chromium.browser, stack.url, 'anna', 'anna-demo-pass');
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  await page.getByRole('button', { name: 'Go available' }).click();
  await page.getByText('Available', { exact: true }).waitFor();
  const samples: number[] = [];
  const started = Date.now();
  for (let round = 0; round < offers; round += 1) {
    const answer = await fetch(`${stack.url}/chat/v1/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench visitor ${round}` }),
    });
    if (answer.status !== 201) throw new Error(`chat start answered ${answer.status}: ${await answer.text()}`);
    const offer = page.getByRole('alertdialog', { name: /Incoming chat/ });
    await offer.waitFor({ timeout: 20_000 });
    const rings = await page.evaluate(
      () => (window as unknown as { parleyMetrics: { rings: { offerId: string; at: number }[] } }).parleyMetrics.rings,
    );
    const ring = rings.at(-1)!;
    const at = published.get(ring.offerId);
    if (at !== undefined) samples.push(ring.at - at);
    await page.keyboard.press('Alt+A');
    const chat = page.getByRole('region', { name: `Chat with Bench visitor ${round}` });
    await chat.getByRole('button', { name: 'End chat' }).click();
    const wrapUp = page.getByRole('region', { name: /Wrap-up/ });
    await wrapUp.getByRole('radio').first().check();
    await wrapUp.getByRole('button', { name: 'Finish wrap-up' }).click();
    await wrapUp.waitFor({ state: 'detached' });
    await page.getByText('Available', { exact: true }).waitFor();
  }
  samples.sort((a, b) => a - b);
  const pick = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!;
  console.log(
    `offer → ring, ${samples.length} of ${offers} offers matched, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(
    `  p50 ${pick(50)} ms  p95 ${pick(95)} ms  p99 ${pick(99)} ms  max ${samples.at(-1)} ms  (goal p99 < 150 ms)`,
  );
  console.log(
    `  machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, Chromium headless`,
  );
} finally {
  feed.close();
  await nc.close();
  await chromium.close();
  await stack.stop();
}
