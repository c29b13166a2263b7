// SIP over UDP (RFC 3261 §18 with RFC 3581): one datagram is one message. Requests get `received` (and `rport`
// when asked) on their top Via so responses find the way back through NAT; responses go where that Via says.
// A request that does not parse is answered with the parser's status (400, 505, 513) when its Via, From, To,
// Call-ID and CSeq can still be read, else dropped; responses that do not parse are dropped (§18.1.2).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { SipMessage, SipRequest, SipResponse } from '../sip/message.js';
import type { SipLimits } from '../sip/parser.js';
import { serializeMessage } from '../sip/serializer.js';
import { parseVia, viaReceived, viaRport, type Via } from '../sip/via.js';
import { dispatchIncoming } from './incoming-request.js';

export interface UdpSource {
  transport: 'udp';
  address: string;
  port: number;
}

export interface UdpTransportOptions {
  host: string;
  port: number;
  limits?: Partial<SipLimits>;
  /**
   * Socket receive buffer (default 4 MiB; the kernel caps it at net.core.rmem_max). The default 208 KiB overflows
   * in bursts of a few hundred calls while the event loop is busy, and a lost ACK or BYE leaves a dialog open.
   */
  receiveBufferBytes?: number;
  onRequest(request: SipRequest, source: UdpSource): void;
  onResponse?(response: SipResponse, source: UdpSource): void;
  /** A datagram that was dropped or answered with an error, and why (metrics, logs). */
  onRejected?(source: UdpSource, reason: string): void;
}

export class UdpSipTransport {
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: UdpTransportOptions,
  ) {
    socket.on('message', (data, remote) => {
      // Whatever one datagram does, the next one is served: nothing a peer sends may take the process down.
      try {
        this.receive(data, remote);
      } catch (error) {
        this.options.onRejected?.(
          { transport: 'udp', address: remote.address, port: remote.port },
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    });
  }

  static async bind(options: UdpTransportOptions): Promise<UdpSipTransport> {
    const socket = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A send to a closed port reports ECONNREFUSED on some systems: nothing to do about it here.
    socket.on('error', () => undefined);
    try {
      socket.setRecvBufferSize(options.receiveBufferBytes ?? 4 * 1024 * 1024);
    } catch {
      // not permitted here: the system default stays (see receiveBufferSize)
    }
    return new UdpSipTransport(socket, options);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The receive buffer the kernel granted (Linux reports twice the requested size, for its bookkeeping). */
  get receiveBufferSize(): number {
    return this.socket.getRecvBufferSize();
  }

  /** Fire and forget (UDP); after close() a late retransmission timer's send is dropped, not thrown. */
  send(message: SipMessage, address: string, port: number): void {
    if (this.closed) return;
    this.socket.send(serializeMessage(message), port, address);
  }

  /** §18.2.2 and RFC 3581: to the top Via's `received` (or its host) at its `rport` (or its port, or 5060). */
  sendResponse(response: SipResponse, fallback: UdpSource): void {
    const top = response.headers.get('Via');
    if (!top) return;
    let via: Via;
    try {
      via = parseVia(top);
    } catch {
      return;
    }
    const rport = viaRport(via);
    const address = viaReceived(via) ?? via.host ?? fallback.address;
    const port = typeof rport === 'number' ? rport : (via.port ?? 5060);
    this.send(response, address, port);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private receive(data: Buffer, remote: RemoteInfo): void {
    const source: UdpSource = { transport: 'udp', address: remote.address, port: remote.port };
    if (isKeepAlive(data)) return; // RFC 5626 CRLF keep-alives
    dispatchIncoming(data, 'datagram', source, this.options, (response) => this.sendResponse(response, source));
  }
}

function isKeepAlive(data: Buffer): boolean {
  return data.length <= 4 && data.every((byte) => byte === 0x0d || byte === 0x0a);
}
