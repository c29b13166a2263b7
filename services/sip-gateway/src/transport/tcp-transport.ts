// SIP over TCP, or TLS when given a certificate (RFC 3261 §18, §26.2): messages framed out of each connection by Content-Length (SipStreamFramer), requests
// stamped like UDP's, responses sent back on the connection the request came in on (§18.2.2), or on a new one to
// the Via's address when it has gone. A connection whose stream cannot be framed is answered 400 where possible and
// closed (it cannot be re-synchronised); idle connections are closed after a while; connections are capped.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import { SipParseError } from '../sip/errors.js';
import { SipStreamFramer } from '../sip/framer.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { SipLimits } from '../sip/parser.js';
import { serializeMessage } from '../sip/serializer.js';
import { parseVia, viaReceived, viaRport } from '../sip/via.js';
import { dispatchIncoming } from './incoming-request.js';

export interface TcpSource {
  transport: 'tcp' | 'tls';
  address: string;
  port: number;
  /** The connection the message came in on. */
  connection: Socket;
}

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** PEM key and certificate: the transport speaks TLS (sips:, port 5061 by convention). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  limits?: Partial<SipLimits>;
  /** Connections at once (default 10,000); more are refused at accept. */
  maxConnections?: number;
  /** Close a connection after this long without a byte (default 10 min; RFC 5626 keep-alives reset it). */
  idleTimeoutMs?: number;
  onRequest(request: SipRequest, source: TcpSource): void;
  onResponse?(response: SipResponse, source: TcpSource): void;
  onRejected?(source: { address: string; port: number }, reason: string): void;
}

export class TcpSipTransport {
  private readonly connections = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly options: TcpTransportOptions,
  ) {
    server.maxConnections = options.maxConnections ?? 10_000;
    // Over TLS a connection is usable once its handshake is done; a failed handshake never reaches accept().
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => this.accept(socket));
    server.on('tlsClientError', () => undefined);
  }

  static async listen(options: TcpTransportOptions): Promise<TcpSipTransport> {
    const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer();
    const transport = new TcpSipTransport(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return transport;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** On the request's connection while it is open; else a new connection to the Via's received/rport address. */
  sendResponse(response: SipResponse, source: TcpSource): void {
    if (!source.connection.destroyed) {
      source.connection.write(serializeMessage(response));
      return;
    }
    const top = response.headers.get('Via');
    if (!top) return;
    try {
      const via = parseVia(top);
      const rport = viaRport(via);
      const port = typeof rport === 'number' ? rport : (via.port ?? 5060);
      this.connect(viaReceived(via) ?? via.host, port).write(serializeMessage(response));
    } catch {
      // no way back: the client's transaction times out
    }
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connect(address: string, port: number): Socket {
    // Over TLS the peer's certificate must match the name it is reached by (§26.3.1).
    const socket = this.options.tls
      ? connectTls({ host: address, port, servername: address })
      : createConnection({ host: address, port });
    socket.on('error', () => undefined);
    this.accept(socket);
    return socket;
  }

  private accept(socket: Socket): void {
    const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const framer = new SipStreamFramer(this.options.limits);
    this.connections.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(this.options.idleTimeoutMs ?? 600_000, () => socket.destroy());
    socket.on('error', () => undefined); // a reset peer: the 'close' below cleans up
    socket.on('close', () => this.connections.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = framer.push(chunk);
      } catch (error) {
        this.options.onRejected?.(remote, error instanceof SipParseError ? error.reason : 'unframeable');
        socket.destroy(); // the stream cannot be re-synchronised
        return;
      }
      for (const frame of frames) {
        // Whatever one message does, the connection's next one (and every other connection) is served.
        try {
          this.receive(frame, { transport: this.options.tls ? 'tls' : 'tcp', ...remote, connection: socket });
        } catch (error) {
          this.options.onRejected?.(
            remote,
            `internal error: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    });
  }

  private receive(frame: Uint8Array, source: TcpSource): void {
    // One bad message on a well-framed stream is answered; the connection stays usable.
    dispatchIncoming(frame, 'stream', source, this.options, (response) =>
      source.connection.write(serializeMessage(response)),
    );
  }
}
