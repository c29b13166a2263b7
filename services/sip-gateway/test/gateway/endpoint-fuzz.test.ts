// No input crashes the endpoint: a bounded run of random datagrams, mutated SIP requests and random TCP byte streams
// (fast-check, seeded per run) hits the real sockets, and afterwards the endpoint still answers OPTIONS on both.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { optionsRequest, startLocalEndpoint } from '../support/local-endpoint.js';

let endpoint: AnsweringEndpoint;

const valid =
  'INVITE sip:+48221234567@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-fz;rport\r\n' +
  'From: <sip:caller@127.0.0.1>;tag=f\r\nTo: <sip:+48221234567@127.0.0.1>\r\nCall-ID: fuzz\r\nCSeq: 1 INVITE\r\n' +
  'Max-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: 61\r\n\r\n' +
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n';

/** A valid request with bytes overwritten, inserted or cut at random places. */
const mutated = fc
  .array(fc.tuple(fc.nat(valid.length), fc.uint8Array({ minLength: 0, maxLength: 8 }), fc.boolean()), {
    minLength: 1,
    maxLength: 6,
  })
  .map((edits) => {
    let bytes = Buffer.from(valid);
    for (const [at, insert, cut] of edits) {
      const head = bytes.subarray(0, at);
      const tail = bytes.subarray(cut ? Math.min(bytes.length, at + insert.length) : at);
      bytes = Buffer.concat([head, Buffer.from(insert), tail]);
    }
    return bytes;
  });

const alive = optionsRequest('z9hG4bK-alive', 'alive');

beforeAll(async () => {
  endpoint = await startLocalEndpoint();
});

afterAll(async () => {
  await endpoint?.close();
});

describe('endpoint under random input', () => {
  it('survives random and mutated datagrams and streams, and still answers', { timeout: 60_000 }, async () => {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const samples = fc.sample(fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 1_500 }), mutated), {
      numRuns: 2_000,
    });
    for (const [i, sample] of samples.entries()) {
      udp.send(sample, endpoint.port, '127.0.0.1');
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const stream of fc.sample(fc.array(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated), { maxLength: 5 }), {
      numRuns: 50,
    })) {
      await new Promise<void>((resolve) => {
        const socket = connect(endpoint.port, '127.0.0.1', () => {
          for (const chunk of stream) socket.write(chunk);
          socket.end();
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 1_000);
      });
    }
    // Still alive and answering on UDP.
    const own = udp.address().port;
    const reply = new Promise<string>((resolve, reject) => {
      udp.on('message', (data) => {
        const line = data.toString('utf8').split('\r\n')[0] ?? '';
        if (data.toString('utf8').includes('Call-ID: alive')) resolve(line);
      });
      setTimeout(() => reject(new Error('no answer after the fuzzing')), 5_000);
    });
    udp.send(alive.replace('{port}', String(own)), endpoint.port, '127.0.0.1');
    expect(await reply).toBe('SIP/2.0 200 OK');
    udp.close();
    expect(endpoint.counts.rejected).toBeGreaterThan(0);
  });
});
