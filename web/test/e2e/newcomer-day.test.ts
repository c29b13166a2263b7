// Issue 8's end-to-end proof, every part real: `pnpm start` as a newcomer runs it; Chromium (Debian's, fake media)
// as the agent anna, the supervisor marek and a chat visitor; Debian's sipp as the caller, with µ-law audio from a
// pcap and DTMF. Screenshots of each step go to web/test-results/e2e/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it as vitestIt } from 'vitest';
import { launchChromium, signInAt, type TestBrowser } from '../support/chromium.js';
import { startLocalStack, type LocalStack } from '../support/local-stack.js';
import { startSipCaller, type SipCaller } from '../support/sip-caller.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.resolve(here, '../../test-results/e2e');
/** The demo data's phone number and the gateway's default SIP port (deploy/local/README.md). */
const DEMO_NUMBER = '+48221234567';
const SIP_PORT = 5060;
/** The agent's microphone and the caller's voice: two tones, so each direction is recognised in what arrives. */
const AGENT_HZ = 600;
const CALLER_HZ = 400;

let stack: LocalStack;
let chromium: TestBrowser;
let agent: Page;
let supervisor: Page;
let caller: SipCaller | undefined;
/** The agent socket's frames (without media signalling), printed when a step fails. */
const agentFrames: string[] = [];

/** The steps build on each other: after one fails, the rest are skipped (the run is already red). */
let failedStep = '';
function it(name: string, run: () => Promise<void>, timeoutMs: number): void {
  vitestIt(
    name,
    async (context) => {
      if (failedStep) context.skip(`an earlier step failed: ${failedStep}`);
      try {
        await run();
      } catch (error) {
        failedStep = name;
        // What each browser showed when it failed, beside the step's screenshots.
        if (agent) await shot(agent, 'failed-agent').catch(() => undefined);
        console.log(`agent socket, last frames:\n${agentFrames.slice(-60).join('\n')}`);
        if (supervisor) await shot(supervisor, 'failed-supervisor').catch(() => undefined);
        throw error;
      }
    },
    timeoutMs,
  );
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function eventually<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

interface AudioStats {
  packetsSent: number;
  packetsReceived: number;
  inboundLevel: number;
  totalInboundEnergy: number;
}

const agentAudio = (page: Page) =>
  page.evaluate(() => (window as unknown as { parleyVoice: { stats(): Promise<AudioStats> } }).parleyVoice.stats());

describe('a newcomer’s first day with Parley', () => {
  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    stack = await startLocalStack({ readyLine: /demo: log in at/, timeoutMs: 240_000 });
    chromium = await launchChromium(AGENT_HZ);
  }, 300_000);

  afterAll(async () => {
    await caller?.stop();
    await chromium?.close();
    await stack?.stop();
  }, 60_000);

  it('the agent signs in on the OpenID login page and goes available', async () => {
    agent = await signInAt(chromium.browser, stack.url, 'anna', 'anna-demo-pass', (socket) => {
      const keep = (direction: string) => (frame: { payload: string | Buffer }) => {
        const text = String(frame.payload);
        if (!/"type":"(media|media_result)"|"token"/.test(text)) agentFrames.push(`${direction} ${text.slice(0, 300)}`);
      };
      socket.on('framesent', keep('>>'));
      socket.on('framereceived', keep('<<'));
    });
    await expect.poll(() => agent.getByRole('status').filter({ hasText: 'Connected' }).count()).toBe(1);
    await expect.poll(() => agent.getByRole('button', { name: 'Microphone on' }).count(), { timeout: 15_000 }).toBe(1);
    await shot(agent, '01-agent-signed-in');
    await agent.getByRole('button', { name: 'Go available' }).click();
    await expect.poll(() => agent.getByText('Available', { exact: true }).count()).toBe(1);
    await shot(agent, '02-agent-available');
    // A short break, so the coming call waits in the queue where the supervisor can see it.
    await agent.getByRole('combobox', { name: 'Go not ready' }).selectOption({ label: 'Break' });
    await expect.poll(() => agent.getByText(/Not ready — Break/).count()).toBe(1);
  }, 120_000);

  it('the supervisor sees the caller waiting on the wallboard', async () => {
    supervisor = await signInAt(chromium.browser, `${stack.url}/supervisor`, 'marek', 'marek-demo-pass');
    caller = await startSipCaller({
      scenario: path.join(here, 'fixtures/caller-waits-for-agent.xml'),
      number: DEMO_NUMBER,
      sipPort: SIP_PORT,
      talkHz: CALLER_HZ,
    });
    const tile = supervisor.getByRole('group', { name: /support/i });
    await expect.poll(() => tile.textContent(), { timeout: 30_000 }).toMatch(/1\s*waiting/i);
    await shot(supervisor, '03-wallboard-call-waiting');
  }, 120_000);

  it('the agent’s browser rings with the screen pop, and the call is answered with audio both ways', async () => {
    await agent.getByRole('button', { name: 'Go available' }).click();
    const offer = agent.getByRole('alertdialog', { name: /Incoming call/ });
    await offer.waitFor({ timeout: 20_000 });
    // The caller's number, and what their key told the IVR (the demo flow's `intent`).
    await eventually(
      'the screen pop names the caller and their IVR choice',
      async () => (await agent.getByRole('complementary', { name: 'Customer' }).textContent()) ?? '',
      (text) => text.includes('+48600111222') && text.includes('intent'),
      10_000,
    );
    await shot(agent, '04-agent-ringing-screen-pop');
    const answeredAt = Date.now();
    await agent.keyboard.press('Alt+A');
    await agent.getByRole('region', { name: /Call with/ }).waitFor();
    // The caller's tone reaches the browser (getStats: packets and audio energy)…
    const heard = await eventually(
      'the caller heard in the browser',
      () => agentAudio(agent),
      (stats) => stats.packetsReceived > 100 && stats.totalInboundEnergy > 0 && stats.packetsSent > 100,
    );
    expect(heard.inboundLevel).toBeGreaterThan(0);
    // …and the browser's microphone reaches the caller's phone (RTP at sipp's audio port, the agent's tone in it).
    // Each RTP stream apart: a prompt still finishing as the call is bridged is a stream of its own.
    const atCaller = await eventually(
      'the agent heard at the caller',
      () => caller!.receivedSince(answeredAt + 1_000, AGENT_HZ),
      // The agent's tone is the loudest frequency in it (not the caller's own, not music), at a speaking level.
      (audio) =>
        audio.streams.some(
          (stream) => stream.packets > 100 && Math.abs(stream.peakHz - AGENT_HZ) <= 20 && stream.rms > 1_000,
        ),
    );
    console.log(`RTP streams at the caller after the answer: ${JSON.stringify(atCaller.streams)}`);
    await shot(agent, '05-agent-on-call');
  }, 120_000);

  it('the supervisor monitors the answered call from the browser', async () => {
    await supervisor.getByRole('button', { name: /Monitor Anna/ }).click();
    await eventually(
      'the supervisor hears the call',
      () =>
        supervisor.evaluate(() =>
          (window as unknown as { parleySupervision: { stats(): Promise<AudioStats> } }).parleySupervision.stats(),
        ),
      (stats) => stats.packetsReceived > 50 && stats.totalInboundEnergy > 0,
    );
    await shot(supervisor, '06-supervisor-monitoring');
    await supervisor.getByRole('button', { name: /Stop/ }).first().click();
  }, 60_000);

  it('the agent hangs up, wraps up with a code, and finds the call in their history', async () => {
    await agent.getByRole('button', { name: 'Hang up' }).click();
    const sipp = await caller!.finished;
    expect(sipp.code, sipp.output).toBe(0);
    const wrapUp = agent.getByRole('region', { name: /Wrap-up/ });
    await wrapUp.waitFor();
    await wrapUp.getByRole('radio', { name: 'Resolved' }).check();
    await wrapUp.getByLabel('Note').fill('Caller asked about delivery; answered.');
    await shot(agent, '07-agent-wrap-up');
    await wrapUp.getByRole('button', { name: 'Finish wrap-up' }).click();
    await wrapUp.waitFor({ state: 'detached' });
    await agent.getByRole('link', { name: 'My history' }).click();
    const history = agent.getByRole('region', { name: 'My recent contacts' });
    await eventually(
      'the call in the agent’s history',
      async () => {
        await history.getByRole('button', { name: 'Refresh' }).click();
        await agent.waitForTimeout(500);
        return (await history.getByRole('row').filter({ hasText: '+48600111222' }).textContent()) ?? '';
      },
      (row) => /Resolved/.test(row),
      30_000,
    ).catch(async (error: unknown) => {
      await shot(agent, '08-agent-history-missing');
      throw error;
    });
    await shot(agent, '08-agent-history');
  }, 120_000);

  it('a visitor chats with the agent through the widget', async () => {
    await agent.getByRole('link', { name: 'Desk' }).click();
    await expect.poll(() => agent.getByText('Available', { exact: true }).count(), { timeout: 20_000 }).toBe(1);
    const visitorContext = await chromium.browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${stack.url}/demo/chat.html`);
    await visitor.locator('[data-parley-chat]').waitFor({ state: 'attached' });
    await shot(visitor, '09-visitor-site');
    // The widget lives in a shadow root; playwright's locators pierce it.
    await visitor.getByRole('button', { name: 'Chat with Demo shop' }).click();
    await visitor.getByLabel('Name', { exact: true }).fill('Ola Visitor');
    await visitor.getByLabel('What is it about?').fill('delivery');
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByText('Waiting for an agent…').waitFor();

    await agent.getByRole('alertdialog', { name: /Incoming chat/ }).waitFor({ timeout: 20_000 });
    await shot(agent, '10-agent-chat-ringing');
    await agent.keyboard.press('Alt+A');
    await visitor.getByText('Anna Nowak joined the chat').waitFor();
    await visitor.getByPlaceholder('Type a message').fill('Hello, where is my parcel?');
    await visitor.keyboard.press('Enter');
    const chat = agent.getByRole('region', { name: /Chat with Ola Visitor/ });
    await expect
      .poll(() => chat.getByRole('list', { name: 'Conversation' }).textContent())
      .toContain('Hello, where is my parcel?');
    await chat.getByRole('textbox', { name: /Reply to/ }).fill('It left our warehouse this morning.');
    await chat.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => visitor.getByText('It left our warehouse this morning.').count()).toBeGreaterThan(0);
    await shot(visitor, '11-visitor-chat');
    await shot(agent, '11-agent-chat');
    await chat.getByRole('button', { name: 'End chat' }).click();
    const wrapUp = agent.getByRole('region', { name: /Wrap-up/ });
    await wrapUp.getByRole('radio', { name: 'Resolved' }).check();
    await wrapUp.getByRole('button', { name: 'Finish wrap-up' }).click();
    await wrapUp.waitFor({ state: 'detached' });
    await visitorContext.close();
  }, 120_000);
});
