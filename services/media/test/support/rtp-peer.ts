// A SIP phone's media side for tests: a UDP socket on loopback that sends 20 ms G.711 RTP packets (and RFC 4733
// events) to an address, and keeps every RTP packet it receives.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { RtpHeader, RtpPacket } from 'werift-rtp';

export interface ReceivedRtp {
  at: number;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payload: Buffer;
}

export class RtpPeer {
  readonly received: ReceivedRtp[] = [];
  private sequenceNumber = 1000;
  private closed = false;
  private timestamp = 50_000;

  private constructor(
    private readonly socket: dgram.Socket,
    public ssrc: number,
  ) {
    socket.on('message', (message) => {
      try {
        const packet = RtpPacket.deSerialize(message);
        const { header } = packet;
        this.received.push({
          at: performance.now(),
          payloadType: header.payloadType,
          sequenceNumber: header.sequenceNumber,
          timestamp: header.timestamp,
          ssrc: header.ssrc,
          marker: header.marker,
          payload: packet.payload,
        });
      } catch {
        // RTCP or garbage: not counted
      }
    });
  }

  static async open(ssrc: number): Promise<RtpPeer> {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new RtpPeer(socket, ssrc);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Audio packets only (the payload type given), in arrival order. */
  audio(payloadType = 0): ReceivedRtp[] {
    return this.received.filter((packet) => packet.payloadType === payloadType);
  }

  /** Sends `count` audio packets 20 ms apart; the payload of packet n is filled with (seed + n) & 0xff. */
  async sendAudio(to: { address: string; port: number }, count: number, seed: number, payloadType = 0): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const payload = Buffer.alloc(160, (seed + index) & 0xff);
      this.send(to, payloadType, payload, index === 0);
      this.timestamp = (this.timestamp + 160) >>> 0;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends G.711 samples as 20 ms packets (160 samples each), paced in real time. */
  async sendSamples(to: { address: string; port: number }, samples: Uint8Array, payloadType = 0): Promise<void> {
    for (let offset = 0; offset + 160 <= samples.length && !this.closed; offset += 160) {
      this.send(to, payloadType, Buffer.from(samples.subarray(offset, offset + 160)), offset === 0);
      this.timestamp = (this.timestamp + 160) >>> 0;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** One key press as RFC 4733 packets: three progress packets, then three end packets, one timestamp. */
  async pressKey(to: { address: string; port: number }, event: number, payloadType = 101): Promise<void> {
    const eventTimestamp = this.timestamp;
    for (let step = 1; step <= 6; step += 1) {
      const end = step > 3;
      const payload = Buffer.alloc(4);
      payload[0] = event;
      payload[1] = (end ? 0x80 : 0) | 10;
      payload.writeUInt16BE(Math.min(step, 4) * 160, 2);
      this.send(to, payloadType, payload, step === 1, eventTimestamp);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.timestamp = (this.timestamp + 4 * 160) >>> 0;
  }

  /** What a phone does when its media source changes: a new SSRC with new sequence and timestamp origins. */
  restartStream(ssrc: number): void {
    this.ssrc = ssrc;
    this.sequenceNumber = (this.sequenceNumber + 30_000) & 0xffff;
    this.timestamp = (this.timestamp + 1_000_000) >>> 0;
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private send(
    to: { address: string; port: number },
    payloadType: number,
    payload: Buffer,
    marker: boolean,
    timestamp = this.timestamp,
  ): void {
    const header = new RtpHeader({
      payloadType,
      sequenceNumber: this.sequenceNumber,
      timestamp,
      ssrc: this.ssrc,
      marker,
    });
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    if (this.closed) return; // a sender still pacing when the test ends
    this.socket.send(new RtpPacket(header, payload).serialize(), to.port, to.address);
  }
}
