// Debian's Chromium driven by playwright-core (../shared/OFFLINE.md): headless, fake microphone playing a WAV,
// WebRTC allowed on loopback, and a page served from 127.0.0.1 (a secure context for getUserMedia) that runs a
// bundle of browser code made by esbuild from a TypeScript file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, fakeMediaChromiumArgs } from './chromium-flags.js';

export { CHROMIUM };

export interface BrowserSession {
  browser: Browser;
  page: Page;
  /** The page's address; navigate after exposing functions. */
  url: string;
  close(): Promise<void>;
}

export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, platform: 'browser', format: 'iife' });
  return result.outputFiles[0]!.text;
}

/** Starts Chromium with `microphoneWav` as its microphone and opens a page running `script`. */
export async function openPage(script: string, microphoneWav: Uint8Array): Promise<BrowserSession> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'parley-chromium-'));
  const wavPath = path.join(directory, 'microphone.wav');
  await writeFile(wavPath, microphoneWav);
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><html><body><script>${script}</script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: fakeMediaChromiumArgs(wavPath),
  });
  const page = await browser.newPage();
  const { port } = server.address() as AddressInfo;
  return {
    browser,
    page,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await browser.close();
      server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
