// Debian's Chromium driven by playwright-core (no browser download): headless, a fake microphone playing a known
// tone, camera/microphone prompts answered yes (the fake UI), audio allowed to play without a click.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toneWav } from '@parley/media/testing/tone';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** `microphoneHz`: the tone every page's microphone hears. */
export async function launchChromium(microphoneHz: number): Promise<TestBrowser> {
  const directory = await mkdtemp(path.join(tmpdir(), 'parley-web-e2e-'));
  const wavPath = path.join(directory, 'microphone.wav');
  await writeFile(wavPath, toneWav(microphoneHz, 10));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavPath}`,
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Opens the desk at `url` in a fresh context and signs in on the OpenID provider's login page. */
export async function signInAt(browser: Browser, url: string, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['microphone', 'notifications'], { origin: new URL(url).origin });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(
    (address) => address.origin === new URL(url).origin && !address.pathname.startsWith('/callback'),
  );
  return page;
}
