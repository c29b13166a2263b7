// Debian's Chromium driven by playwright-core (no browser download): headless, a fake microphone playing a known
// tone, camera/microphone prompts answered yes (the fake UI), audio allowed to play without a click.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM, fakeMediaChromiumArgs } from '@parley/media/testing/chromium-flags';
import wavefile from 'wavefile';
import { chromium, type Browser, type Page, type WebSocket } from 'playwright-core';

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** `microphoneHz`: the tone every page's microphone hears. */
export async function launchChromium(microphoneHz: number): Promise<TestBrowser> {
  const directory = await mkdtemp(path.join(tmpdir(), 'parley-web-e2e-'));
  const wavPath = path.join(directory, 'microphone.wav');
  await writeFile(wavPath, talkingWav(microphoneHz));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: fakeMediaChromiumArgs(wavPath),
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * 10 s of a tone spoken in bursts (0.4 s on, 0.2 s off), at 48 kHz: Chromium's noise suppression fades a steady
 * tone out as background noise within seconds, as it should; bursts pass like speech.
 */
function talkingWav(frequency: number): Uint8Array {
  const rate = 48_000;
  const samples = new Int16Array(rate * 10);
  for (let index = 0; index < samples.length; index += 1) {
    const inBurst = index % (rate * 0.6) < rate * 0.4;
    samples[index] = inBurst ? Math.round(12_000 * Math.sin((2 * Math.PI * frequency * index) / rate)) : 0;
  }
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, rate, '16', samples);
  return wav.toBuffer();
}

/** Opens the desk at `url` in a fresh context and signs in on the OpenID provider's login page. */
export async function signInAt(
  browser: Browser,
  url: string,
  username: string,
  password: string,
  onSocket?: (socket: WebSocket) => void,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['microphone', 'notifications'], { origin: new URL(url).origin });
  const page = await context.newPage();
  if (onSocket) page.on('websocket', onSocket);
  await page.goto(url);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(
    (address) => address.origin === new URL(url).origin && !address.pathname.startsWith('/callback'),
  );
  return page;
}
