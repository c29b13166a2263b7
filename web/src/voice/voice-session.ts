// The tab's audio as a mediasoup-client peer of the media service, signalled over the agent (or supervisor) socket:
// a send transport carrying the microphone as PCMU (nothing is transcoded towards SIP legs) and a receive transport
// created with the Device's capabilities, so media can hand the tab a call's audio by itself (media_consumer).
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { LiveSocket } from '../api/live-socket';

export interface ConsumerOffer {
  consumerId: string;
  producerId: string;
  kind: 'audio';
  rtpParameters: unknown;
}

export interface AudioStats {
  packetsSent: number;
  packetsReceived: number;
  /** 0..1, the last measured level of what the tab hears. */
  inboundLevel: number;
  totalInboundEnergy: number;
}

interface TransportAnswer {
  transportId: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export class VoiceSession {
  private readonly device = new Device();
  private sendTransport: types.Transport | undefined;
  private recvTransport: types.Transport | undefined;
  private producer: types.Producer | undefined;
  private microphone: MediaStream | undefined;
  private readonly consumers = new Map<string, types.Consumer>();
  private readonly output = new Audio();

  constructor(private readonly socket: LiveSocket) {
    this.output.autoplay = true;
  }

  get producing(): boolean {
    return this.producer !== undefined && !this.producer.closed;
  }

  get microphoneStream(): MediaStream | undefined {
    return this.microphone;
  }

  get remoteStream(): MediaStream | undefined {
    return this.output.srcObject instanceof MediaStream ? this.output.srcObject : undefined;
  }

  /** The Device's capabilities once prepared (a supervisor's supervise request names them). */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.device.rtpCapabilities;
  }

  /** Joins media to receive only (a supervisor monitoring): the Device and the receive transport. */
  async prepare(): Promise<void> {
    if (!this.device.loaded) {
      const { rtpCapabilities } = await this.media<{ rtpCapabilities: types.RtpCapabilities }>({ op: 'capabilities' });
      await this.device.load({ routerRtpCapabilities: rtpCapabilities });
    }
    this.recvTransport ??= await this.transport('recv');
  }

  /** Asks for the microphone (the browser's permission prompt) and sends it; throws a readable error if blocked. */
  async start(deviceId?: string): Promise<void> {
    this.microphone?.getTracks().forEach((track) => track.stop());
    this.microphone = await navigator.mediaDevices.getUserMedia({
      audio: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), echoCancellation: true, noiseSuppression: true },
    });
    await this.prepare();
    this.sendTransport ??= await this.transport('send');
    const track = this.microphone.getAudioTracks()[0];
    if (!track) throw new Error('the microphone gave no audio track');
    if (this.producer) await this.producer.replaceTrack({ track });
    else {
      const codec = this.device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'audio/pcmu');
      this.producer = await this.sendTransport.produce({ track, ...(codec ? { codec } : {}) });
    }
  }

  /** A consumer media made for this tab (the call was bridged to it): receive it, then ask media to resume it. */
  async receive(offer: ConsumerOffer): Promise<void> {
    if (!this.recvTransport) return;
    const consumer = await this.recvTransport.consume({
      id: offer.consumerId,
      producerId: offer.producerId,
      kind: offer.kind,
      rtpParameters: offer.rtpParameters as types.RtpParameters,
    });
    this.consumers.set(consumer.id, consumer);
    consumer.on('transportclose', () => this.consumers.delete(consumer.id));
    consumer.observer.on('close', () => this.consumers.delete(consumer.id));
    this.output.srcObject = new MediaStream([...this.consumers.values()].map((each) => each.track));
    void this.output.play().catch(() => undefined);
    await this.media({ op: 'resume_consumer', consumerId: consumer.id });
  }

  setMuted(muted: boolean): void {
    if (!this.producer) return;
    if (muted) this.producer.pause();
    else this.producer.resume();
  }

  setSpeaker(deviceId: string): Promise<void> {
    const element = this.output as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    return element.setSinkId ? element.setSinkId(deviceId) : Promise.resolve();
  }

  async stats(): Promise<AudioStats> {
    const result: AudioStats = { packetsSent: 0, packetsReceived: 0, inboundLevel: 0, totalInboundEnergy: 0 };
    const reports = [
      ...(this.sendTransport ? [await this.sendTransport.getStats()] : []),
      ...(this.recvTransport ? [await this.recvTransport.getStats()] : []),
    ];
    for (const report of reports) {
      report.forEach((entry: Record<string, unknown>) => {
        if (entry['kind'] !== 'audio') return;
        if (entry['type'] === 'outbound-rtp') result.packetsSent += Number(entry['packetsSent'] ?? 0);
        if (entry['type'] === 'inbound-rtp') {
          result.packetsReceived += Number(entry['packetsReceived'] ?? 0);
          result.inboundLevel = Math.max(result.inboundLevel, Number(entry['audioLevel'] ?? 0));
          result.totalInboundEnergy += Number(entry['totalAudioEnergy'] ?? 0);
        }
      });
    }
    return result;
  }

  close(): void {
    for (const consumer of this.consumers.values()) consumer.close();
    this.producer?.close();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.microphone?.getTracks().forEach((track) => track.stop());
    this.output.srcObject = null;
  }

  private async transport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const info = await this.media<TransportAnswer>({
      op: 'create_transport',
      direction,
      ...(direction === 'recv' ? { rtpCapabilities: this.device.rtpCapabilities } : {}),
    });
    const options = {
      id: info.transportId,
      iceParameters: info.iceParameters,
      iceCandidates: info.iceCandidates,
      dtlsParameters: info.dtlsParameters,
    };
    const transport =
      direction === 'send' ? this.device.createSendTransport(options) : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.media({ op: 'connect_transport', transportId: transport.id, dtlsParameters }).then(() => done(), fail);
    });
    transport.on('produce', ({ rtpParameters }, done, fail) => {
      this.media<{ producerId: string }>({ op: 'produce', transportId: transport.id, rtpParameters }).then(
        (answer) => done({ id: answer.producerId }),
        fail,
      );
    });
    return transport;
  }

  private async media<T = Record<string, unknown>>(request: Record<string, unknown>): Promise<T> {
    const answer = await this.socket.request({ type: 'media', request });
    return answer['result'] as T;
  }
}
