// The registrar over real UDP, bindings in a real JetStream KV bucket: a REGISTER is challenged (401, MD5), then
// bound with the credentials of its own address (200 listing the binding and its expiry); wrong passwords, someone
// else's address, a replayed nonce count and too short an expiry are refused; "*" with Expires: 0 removes every
// binding; phones register from any address (not only trunk sources).
import { createSocket, type Socket } from 'node:dgram';
import { jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, type NatsConnection } from '@parley/kit';
import { testNatsUrl, uniqueName } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { PhoneAccounts } from '../../src/registrar/phone-accounts.js';
import { Registrar } from '../../src/registrar/registrar.js';
import { RegistrationStore } from '../../src/registrar/registration-store.js';
import { authorize, parseDigestChallenge } from '../../src/sip/auth/digest.js';
import { trunksSchema } from '../../src/trunks/trunk-config.js';
import { TrunkDirectory } from '../../src/trunks/trunk-directory.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';

const DOMAIN = 'parley.test';
const BUCKET = uniqueName('registrations').replace(/[^A-Za-z0-9_-]/g, '_');
const accounts = new PhoneAccounts([
  { username: 'anna', password: 'anna-desk-phone-1', agentId: 'agent-anna' },
  { username: 'bartek', password: 'bartek-softphone-2', agentId: 'agent-bartek' },
]);

let nc: NatsConnection;
let store: RegistrationStore;
let endpoint: AnsweringEndpoint;
let socket: Socket;
let cseq = 0;

/** Sends a REGISTER from the test's socket and returns the response text. */
async function register(options: {
  user: string;
  contact?: string;
  expires?: number;
  authorization?: string;
  callId?: string;
}): Promise<{ status: number; text: string }> {
  cseq += 1;
  const port = socket.address().port;
  const lines = [
    `REGISTER sip:${DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-reg-${cseq}-${Date.now()}`,
    `From: <sip:${options.user}@${DOMAIN}>;tag=phone${cseq}`,
    `To: <sip:${options.user}@${DOMAIN}>`,
    `Call-ID: ${options.callId ?? 'registration-1'}`,
    `CSeq: ${cseq} REGISTER`,
    'Max-Forwards: 70',
    'User-Agent: Parley test phone',
  ];
  if (options.contact) lines.push(`Contact: ${options.contact}`);
  if (options.expires !== undefined) lines.push(`Expires: ${options.expires}`);
  if (options.authorization) lines.push(`Authorization: ${options.authorization}`);
  lines.push('Content-Length: 0', '', '');
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to REGISTER')), 3_000);
    socket.once('message', (data) => {
      clearTimeout(timer);
      const text = data.toString('utf8');
      resolve({ status: Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]), text });
    });
  });
  socket.send(lines.join('\r\n'), endpoint.port, '127.0.0.1');
  return answer;
}

/** The challenge of a 401, answered for `user` with `password` (nonce count `nc`). */
function answerChallenge(text: string, user: string, password: string, nc = 1): string {
  const header = /^WWW-Authenticate: (.*)$/im.exec(text)?.[1] ?? '';
  const challenge = parseDigestChallenge(header);
  if (!challenge) throw new Error(`no digest challenge in:\n${text}`);
  return authorize(challenge, { username: user, password }, { method: 'REGISTER', uri: `sip:${DOMAIN}` }, nc);
}

beforeAll(async () => {
  nc = await connectNats({
    servers: [testNatsUrl],
    name: 'registrar-test',
    logger: createLogger({ service: 'registrar-test', level: 'silent' }),
  });
  store = await RegistrationStore.open(nc, BUCKET);
  endpoint = await startLocalEndpoint({
    allowedSources: [],
    // Only this trunk may call; phones register from anywhere (here: loopback, outside the trunk's source).
    trunks: new TrunkDirectory(
      trunksSchema.parse([
        { id: 'c', name: 'Carrier', sources: ['192.0.2.1'], maxCalls: 1, dids: { '+48221234567': 'support' } },
      ]),
    ),
    registrar: new Registrar({
      domain: DOMAIN,
      accounts,
      store,
      nonceSecret: Buffer.from('registrar-test-secret'),
      site: 'waw',
    }),
  });
  socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  socket?.close();
  await endpoint?.close();
  await (await jetstreamManager(nc)).streams.delete(`KV_${BUCKET}`).catch(() => undefined);
  await closeNats(nc);
});

describe('the registrar', () => {
  it('challenges, then binds the phone’s contact with the credentials of its own address', async () => {
    const contact = `<sip:anna@127.0.0.1:${socket.address().port}>`;
    const challenged = await register({ user: 'anna', contact, expires: 300 });
    expect(challenged.status).toBe(401);
    expect(challenged.text).toMatch(/WWW-Authenticate: Digest realm="parley.test", nonce="[^"]+".*algorithm=MD5/);
    const bound = await register({
      user: 'anna',
      contact,
      expires: 300,
      authorization: answerChallenge(challenged.text, 'anna', 'anna-desk-phone-1'),
    });
    expect(bound.status, bound.text).toBe(200);
    expect(bound.text).toMatch(
      new RegExp(`Contact: <sip:anna@127.0.0.1:${socket.address().port}>;expires=(29\\d|300)`),
    );
    const [binding] = await store.list('anna');
    expect(binding).toMatchObject({
      aor: 'sip:anna@parley.test',
      agentId: 'agent-anna',
      userAgent: 'Parley test phone',
      source: { address: '127.0.0.1', port: socket.address().port, transport: 'udp' },
    });
  });

  it('refuses a wrong password, someone else’s address, a replayed nonce count and a too short expiry', async () => {
    const contact = '<sip:bartek@127.0.0.1:5099>';
    const challenged = await register({ user: 'bartek', contact });
    const wrong = answerChallenge(challenged.text, 'bartek', 'not-the-password');
    expect((await register({ user: 'bartek', contact, authorization: wrong })).status).toBe(403);
    // Anna's own credentials do not register Bartek's address.
    const asAnna = answerChallenge(challenged.text, 'anna', 'anna-desk-phone-1');
    expect((await register({ user: 'bartek', contact, authorization: asAnna })).status).toBe(403);
    const right = answerChallenge(challenged.text, 'bartek', 'bartek-softphone-2', 7);
    expect((await register({ user: 'bartek', contact, authorization: right })).status).toBe(200);
    // The same nonce count again: a captured REGISTER replayed.
    expect((await register({ user: 'bartek', contact, authorization: right })).status).toBe(403);
    const brief = await register({
      user: 'bartek',
      contact,
      expires: 10,
      authorization: answerChallenge(challenged.text, 'bartek', 'bartek-softphone-2', 8),
    });
    expect(brief.status).toBe(423);
    expect(brief.text).toMatch(/Min-Expires: 60/);
  });

  it('lists bindings for a REGISTER without Contact, and removes them all with "*" and Expires: 0', async () => {
    const challenged = await register({ user: 'anna' });
    const auth = (nc: number) => answerChallenge(challenged.text, 'anna', 'anna-desk-phone-1', nc);
    const listed = await register({ user: 'anna', authorization: auth(1) });
    expect(listed.status).toBe(200);
    expect(listed.text).toMatch(/Contact: <sip:anna@127\.0\.0\.1:\d+>;expires=\d+/);
    expect((await register({ user: 'anna', contact: '*', expires: 300, authorization: auth(2) })).status).toBe(400);
    const cleared = await register({ user: 'anna', contact: '*', expires: 0, authorization: auth(3) });
    expect(cleared.status).toBe(200);
    expect(cleared.text).not.toMatch(/^Contact:/m);
    expect(await store.list('anna')).toEqual([]);
  });

  it('treats an unknown user like a wrong password: challenged, then refused (no account enumeration)', async () => {
    const challenged = await register({ user: 'zenon', contact: '<sip:zenon@127.0.0.1:5098>' });
    expect(challenged.status).toBe(401); // unknown users are challenged like known ones: no enumeration
    const refused = await register({
      user: 'zenon',
      contact: '<sip:zenon@127.0.0.1:5098>',
      authorization: answerChallenge(challenged.text, 'zenon', 'whatever-password'),
    });
    expect(refused.status).toBe(403);
  });
});
