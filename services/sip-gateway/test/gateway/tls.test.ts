// SIP over TLS when a certificate is configured: a TLS client (trusting the test's self-signed certificate) gets its
// OPTIONS answered on the TLS port; a client that does not trust it cannot connect.
import { connect } from 'node:tls';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';

let endpoint: AnsweringEndpoint;
let certificate: string;

beforeAll(async () => {
  // A certificate for 127.0.0.1, made for this test only.
  const pems = selfsigned.generate([{ name: 'commonName', value: 'parley-test' }], {
    days: 1,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  certificate = pems.cert;
  endpoint = await startLocalEndpoint({
    tls: { port: 0, key: pems.private, cert: pems.cert },
  });
});

afterAll(async () => {
  await endpoint?.close();
});

function optionsOverTls(trust: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: endpoint.tlsPort ?? 0, ...(trust ? { ca: trust } : {}), rejectUnauthorized: true },
      () => {
        const port = socket.localPort ?? 0;
        socket.write(
          `OPTIONS sips:parley@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:${port};branch=z9hG4bK-tls1\r\n` +
            'From: <sips:m@127.0.0.1>;tag=t\r\nTo: <sips:parley@127.0.0.1>\r\nCall-ID: tls-1\r\nCSeq: 1 OPTIONS\r\n' +
            'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
        );
      },
    );
    socket.on('data', (data) => {
      resolve(data.toString('utf8').split('\r\n')[0] ?? '');
      socket.end();
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error('no answer over TLS')), 3_000);
  });
}

describe('SIP over TLS', () => {
  it('answers OPTIONS on the TLS port', async () => {
    expect(endpoint.tlsPort).toBeGreaterThan(0);
    expect(await optionsOverTls(certificate)).toBe('SIP/2.0 200 OK');
  });

  it('cannot be reached by a client that does not trust the certificate', async () => {
    await expect(optionsOverTls(undefined)).rejects.toThrow(/self.signed|certificate/i);
  });
});
