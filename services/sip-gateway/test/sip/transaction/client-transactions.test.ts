// Client transactions against RFC 3261 §17.1 (and RFC 6026) on a fake clock: INVITE retransmitted at T1, 2·T1, …
// until a provisional, Timer B; the ACK of a failure built by the transaction and resent for retransmitted finals;
// 2xx retransmissions passed up until Timer M; non-INVITE retransmissions capped at T2 and at T2 once proceeding,
// Timer F, Timer K; nothing retransmitted over a reliable transport; stray responses refused.
import { describe, expect, it } from 'vitest';
import { createResponse } from '../../../src/sip/response.js';
import { parseMessage, type SipRequest } from '../../../src/sip/index.js';
import { ClientTransactionLayer, newBranch } from '../../../src/sip/transaction/client-transaction-layer.js';
import { defaultSipTimers } from '../../../src/sip/transaction/timers.js';
import { FakeClock } from '../../support/fake-clock.js';

const encoder = new TextEncoder();
function outgoing(method: string, branch = newBranch()): SipRequest {
  const text =
    `${method} sip:+15551234567@trunk.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=${branch}\r\n` +
    'Route: <sip:edge.trunk.example;lr>\r\nFrom: <sip:parley@10.0.0.1>;tag=p1\r\nTo: <sip:+15551234567@trunk.example>\r\n' +
    `Call-ID: out-1@10.0.0.1\r\nCSeq: 7 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(encoder.encode(text)) as SipRequest;
}

function harness(reliable = false) {
  const clock = new FakeClock();
  const sent: { method: string; at: number; request: SipRequest }[] = [];
  const responses: number[] = [];
  const timeouts: number[] = [];
  const layer = new ClientTransactionLayer<string>({
    send: (request) => sent.push({ method: request.method, at: clock.now, request }),
    reliable: () => reliable,
    scheduler: clock,
  });
  const handlers = {
    onResponse: (r: { status: number }) => responses.push(r.status),
    onTimeout: () => timeouts.push(clock.now),
  };
  return { clock, sent, responses, timeouts, layer, handlers };
}

const { t1, t2, t4 } = defaultSipTimers;

describe('INVITE client transaction', () => {
  it('retransmits at T1, 2·T1, 4·T1 … until a provisional, then gives up on no final at 64·T1 (Timer B)', () => {
    const h = harness();
    const invite = outgoing('INVITE');
    h.layer.start(invite, 'trunk', h.handlers);
    h.clock.advance(7 * t1);
    expect(h.sent.map((s) => s.at)).toEqual([0, t1, 3 * t1, 7 * t1]);
    expect(h.layer.receive(createResponse(invite, 180, { toTag: 'uas' }))).toBe(true);
    h.clock.advance(20 * t1);
    expect(h.sent).toHaveLength(4); // no retransmissions once proceeding
    h.clock.advance(64 * t1 - 27 * t1);
    expect(h.timeouts).toEqual([64 * t1]);
    expect(h.layer.size).toBe(0);
  });

  it('acknowledges a failure itself, resends that ACK for a retransmitted final, and ends after Timer D', () => {
    const h = harness();
    const invite = outgoing('INVITE');
    h.layer.start(invite, 'trunk', h.handlers);
    const busy = createResponse(invite, 486, { toTag: 'uas' });
    h.layer.receive(busy);
    const ack = h.sent.at(-1)?.request;
    expect(ack?.method).toBe('ACK');
    expect(ack?.headers.get('Via')).toBe(invite.headers.get('Via')); // same branch: it matches the INVITE's transaction
    expect(ack?.headers.get('To')).toContain('tag=uas');
    expect(ack?.headers.get('CSeq')).toBe('7 ACK');
    expect(ack?.headers.get('Route')).toBe('<sip:edge.trunk.example;lr>');
    expect(ack?.uri).toBe(invite.uri);
    h.layer.receive(busy);
    expect(h.sent.map((s) => s.method)).toEqual(['INVITE', 'ACK', 'ACK']);
    expect(h.responses).toEqual([486]); // the retransmission is not passed up
    h.clock.advance(32_000);
    expect(h.layer.size).toBe(0);
  });

  it('passes each 2xx (and its retransmissions) up for the dialog to ACK, until Timer M', () => {
    const h = harness();
    const invite = outgoing('INVITE');
    h.layer.start(invite, 'trunk', h.handlers);
    const ok = createResponse(invite, 200, { toTag: 'uas' });
    h.layer.receive(ok);
    h.layer.receive(ok);
    expect(h.responses).toEqual([200, 200]);
    expect(h.sent.map((s) => s.method)).toEqual(['INVITE']); // no ACK from the transaction for a 2xx
    h.clock.advance(64 * t1);
    expect(h.layer.receive(ok)).toBe(false); // stray after Timer M
  });

  it('retransmits nothing over a reliable transport', () => {
    const h = harness(true);
    h.layer.start(outgoing('INVITE'), 'trunk', h.handlers);
    h.clock.advance(63 * t1);
    expect(h.sent).toHaveLength(1);
  });
});

describe('non-INVITE client transaction', () => {
  it('retransmits doubling up to T2, at T2 once proceeding, and times out at 64·T1 (Timer F)', () => {
    const h = harness();
    const bye = outgoing('BYE');
    h.layer.start(bye, 'trunk', h.handlers);
    h.clock.advance(t1 + 2 * t1 + 4 * t1 + t2);
    expect(h.sent.map((s) => s.at)).toEqual([0, t1, 3 * t1, 7 * t1, 7 * t1 + t2]);
    h.layer.receive(createResponse(bye, 100));
    h.clock.advance(t2);
    expect(h.sent.at(-1)?.at).toBe(7 * t1 + 2 * t2);
    h.clock.advance(64 * t1);
    expect(h.timeouts).toEqual([64 * t1]);
  });

  it('passes the final up once and ends after T4 (Timer K)', () => {
    const h = harness();
    const bye = outgoing('BYE');
    h.layer.start(bye, 'trunk', h.handlers);
    const ok = createResponse(bye, 200);
    h.layer.receive(ok);
    h.layer.receive(ok);
    expect(h.responses).toEqual([200]);
    h.clock.advance(t4);
    expect(h.layer.size).toBe(0);
    expect(h.sent).toHaveLength(1);
  });

  it('refuses a response for no transaction (other branch or method)', () => {
    const h = harness();
    const options = outgoing('OPTIONS');
    h.layer.start(options, 'trunk', h.handlers);
    expect(h.layer.receive(createResponse(outgoing('OPTIONS'), 200))).toBe(false);
    const wrongMethod = createResponse(options, 200);
    wrongMethod.headers.set('CSeq', '7 INFO');
    expect(h.layer.receive(wrongMethod)).toBe(false);
  });
});
