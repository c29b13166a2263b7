/// <reference lib="dom" />
// Runs in Chromium (bundled by esbuild in the test): what the web client does with mediasoup-client, reduced to the
// calls the test drives. Signalling goes to the test process through window.parleySignal (page.exposeFunction).
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';

type Signal = (method: string, ...args: unknown[]) => Promise<unknown>;

interface TransportInfo {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

declare global {
  interface Window {
    parleySignal: Signal;
    joinAsPeer: () => Promise<{ producerId: string; rtpCapabilities: types.RtpCapabilities }>;
    receive: (consumer: { id: string; producerId: string; rtpParameters: types.RtpParameters }) => Promise<void>;
    /** One entry per audio stream received (one per consumer). */
    inboundAudio: () => Promise<{ packetsReceived: number; totalAudioEnergy: number }[]>;
  }
}

const device = new Device();
let recvTransport: types.Transport | undefined;

async function transport(direction: 'send' | 'recv'): Promise<types.Transport> {
  const info = (await window.parleySignal('createTransport', direction)) as TransportInfo;
  const created = direction === 'send' ? device.createSendTransport(info) : device.createRecvTransport(info);
  created.on('connect', ({ dtlsParameters }, callback, errback) => {
    window.parleySignal('connect', created.id, dtlsParameters).then(() => callback(), errback);
  });
  if (direction === 'send') {
    created.on('produce', ({ rtpParameters }, callback, errback) => {
      window.parleySignal('produce', created.id, rtpParameters).then((id) => callback({ id: id as string }), errback);
    });
  }
  return created;
}

window.joinAsPeer = async () => {
  const routerRtpCapabilities = (await window.parleySignal('routerCapabilities')) as types.RtpCapabilities;
  await device.load({ routerRtpCapabilities });
  const send = await transport('send');
  recvTransport = await transport('recv');
  // No echo cancelling or gain control: the test compares levels of a known tone.
  const microphone = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  // PCMU towards SIP legs: nothing is transcoded on the way to a phone.
  const codec = device.rtpCapabilities.codecs?.find((candidate) => candidate.mimeType.toLowerCase() === 'audio/pcmu');
  const producer = await send.produce({ track: microphone.getAudioTracks()[0]!, ...(codec ? { codec } : {}) });
  return { producerId: producer.id, rtpCapabilities: device.rtpCapabilities };
};

window.receive = async ({ id, producerId, rtpParameters }) => {
  const consumer = await recvTransport!.consume({ id, producerId, kind: 'audio', rtpParameters });
  const audio = document.createElement('audio');
  audio.srcObject = new MediaStream([consumer.track]);
  audio.autoplay = true;
  document.body.append(audio);
  await window.parleySignal('resume', id);
};

window.inboundAudio = async () => {
  const stats = await recvTransport!.getStats();
  const streams: { packetsReceived: number; totalAudioEnergy: number }[] = [];
  stats.forEach((report: { type: string; kind?: string; packetsReceived?: number; totalAudioEnergy?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      streams.push({ packetsReceived: report.packetsReceived ?? 0, totalAudioEnergy: report.totalAudioEnergy ?? 0 });
    }
  });
  return streams;
};
