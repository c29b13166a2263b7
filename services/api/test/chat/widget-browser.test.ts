// The chat widget in a real browser (Debian's Chromium driven by playwright-core): a shop's page on another origin
// embeds /chat/widget.js; the visitor opens it, answers the pre-chat form and starts a chat; an agent's socket gets
// the offer and accepts; messages go both ways and show in the widget with their receipts; after a reload the widget
// rejoins the same conversation and shows what was said.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { chromium, type Browser } from 'playwright-core';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, chatDesk, startApiStack } from '../support/api-stack.js';
import { openJsonSocket, type Received } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';

let stack: ApiStack;
let shop: http.Server;
let shopUrl: string;
let browser: Browser;

beforeAll(async () => {
  // The shop's page, on its own origin; the API allows it (CORS, and the visitor socket's Origin check).
  shop = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      `<!doctype html><html><body><h1>Shop</h1><script src="${stack.api.url}/chat/widget.js" data-queue="chat" ` +
        `data-title="Talk to us" data-questions="topic:What is it about?"></script></body></html>`,
    );
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  stack = await startApiStack({
    ...chatDesk(),
    apiEnvironment: { API_CORS_ORIGINS: shopUrl },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  shop?.close();
});

const entryOf = (message: Received) => message.entry as Record<string, unknown>;

describe('the chat widget in a browser', () => {
  it('starts a chat from a page on another origin, talks with an agent, and rejoins after a reload', async () => {
    const agent = await openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));
    agent.send({ type: 'auth', token: (await loginAt(stack.api.issuer, 'anna', 'anna-demo-pass')).access_token });
    await agent.next('ready');
    agent.send({ type: 'login' });
    await agent.next('logged_in');

    const page = await browser.newPage();
    await page.goto(shopUrl);
    await page.getByRole('button', { name: 'Talk to us' }).click();
    await page.getByLabel('Name').fill('Jan Kowalski');
    await page.getByLabel('What is it about?').fill('a refund');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText('Waiting for an agent…').waitFor();

    const offer = await agent.next('offer');
    expect(await agent.next('screen_pop')).toMatchObject({
      customer: { name: 'Jan Kowalski' },
      attributes: { topic: 'a refund' },
    });
    agent.send({ type: 'accept', offerId: offer.offerId });
    await page.getByText('Anna Nowak joined the chat').waitFor();

    await page.getByPlaceholder('Type a message').fill('Where is my refund?');
    await page.keyboard.press('Enter');
    const question = await agent.next('chat_entry', 0, (message) => entryOf(message)?.kind === 'message');
    expect(entryOf(question)).toMatchObject({ from: 'visitor', text: 'Where is my refund?' });
    // Delivered to the agent: the widget shows two ticks.
    await page.locator('.msg.visitor', { hasText: 'Where is my refund?' }).getByText('✓✓').waitFor();

    agent.send({ type: 'chat_send', interactionId: offer.interactionId, id: ulid(), text: 'It left yesterday.' });
    await page.getByText('It left yesterday.').waitFor();
    // The widget read it (the page is visible): the agent gets the read receipt.
    await agent.next(
      'chat_entry',
      0,
      (message) => entryOf(message)?.kind === 'receipt' && entryOf(message)?.status === 'read',
    );

    // A reload rejoins the same conversation with everything said so far.
    await page.reload();
    await page.getByText('It left yesterday.').waitFor();
    await page.getByText('Where is my refund?').waitFor();
    await page.getByPlaceholder('Type a message').fill('Thanks!');
    await page.keyboard.press('Enter');
    await agent.next('chat_entry', 0, (message) => entryOf(message)?.text === 'Thanks!');
    await page.close();
    agent.socket.close();
  });
});
