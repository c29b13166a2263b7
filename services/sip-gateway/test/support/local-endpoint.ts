// The answering endpoint as the tests run it: on loopback, any free port, answering calls from loopback, naming a
// media port where nothing listens (there is no media service in these tests).
import { AnsweringEndpoint, type AnsweringEndpointOptions } from '../../src/gateway/answering-endpoint.js';

export function startLocalEndpoint(options: Partial<AnsweringEndpointOptions> = {}): Promise<AnsweringEndpoint> {
  return AnsweringEndpoint.start({
    host: '127.0.0.1',
    port: 0,
    allowedSources: ['127.0.0.1'],
    mediaAddress: '127.0.0.1',
    mediaPort: 40_000,
    ...options,
  });
}

/** An OPTIONS request; `{port}` in the Via is replaced by the sender with its own port. */
export function optionsRequest(branch: string, callId: string, extraViaParams = ''): string {
  return (
    `OPTIONS sip:parley@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=${branch}${extraViaParams}\r\n` +
    `From: <sip:monitor@127.0.0.1>;tag=m1\r\nTo: <sip:parley@127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\n` +
    'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n'
  );
}
