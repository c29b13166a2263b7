// A browser peer for tests: Chromium with a fake microphone playing a tone, running agent-client.ts, signalling
// straight to the test's PeerSignalling (page.exposeFunction) as the API edge would relay it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import type { PeerSignalling } from '../../src/peer-signalling.js';
import { bundleForBrowser, openPage, type BrowserSession } from './chromium.js';
import { toneWav } from './tone.js';

const clientEntry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../browser/agent-client.ts');
let bundle: Promise<string> | undefined;

export interface BrowserPeerSession extends BrowserSession {
  peerId: string;
  producerId: string;
  rtpCapabilities: types.RtpCapabilities;
  /** Sets up a consumer media created for this browser, then resumes it. */
  receive(consumer: types.Consumer): Promise<void>;
  inbound(): Promise<{ packetsReceived: number; totalAudioEnergy: number }[]>;
}

export async function joinBrowserPeer(
  peers: PeerSignalling,
  peerId: string,
  toneHz: number,
): Promise<BrowserPeerSession> {
  bundle ??= bundleForBrowser(clientEntry);
  const session = await openPage(await bundle, toneWav(toneHz, 20));
  await session.page.exposeFunction('parleySignal', async (method: string, ...args: unknown[]) => {
    switch (method) {
      case 'routerCapabilities':
        return peers.routerRtpCapabilities();
      case 'createTransport': {
        const created = await peers.createTransport(peerId, args[0] as 'send' | 'recv', undefined);
        return { ...created, id: created.transportId };
      }
      case 'connect':
        return peers.connectTransport(args[0] as string, JSON.stringify(args[1]));
      case 'produce':
        return peers.produce(args[0] as string, JSON.stringify(args[1]));
      case 'resume':
        return peers.resumeConsumer(args[0] as string);
      default:
        throw new Error(`unknown signal ${method}`);
    }
  });
  await session.page.goto(session.url);
  const joined = await session.page.evaluate(() => window.joinAsPeer());
  return {
    ...session,
    peerId,
    producerId: joined.producerId,
    rtpCapabilities: joined.rtpCapabilities as types.RtpCapabilities,
    async receive(consumer) {
      await session.page.evaluate((info) => window.receive(info), {
        id: consumer.id,
        producerId: consumer.producerId,
        rtpParameters: JSON.parse(JSON.stringify(consumer.rtpParameters)) as never,
      });
    },
    inbound: () => session.page.evaluate(() => window.inboundAudio()),
  };
}
