// Server transactions against RFC 3261 §17.2 (and RFC 6026), on a fake clock: retransmissions absorbed by resending
// the last response, Timer G doubling to T2, Timer H giving up without ACK, Timer I/J ends, the 2xx retransmitted
// until the dialog's ACK, and no timers at all over a reliable transport.
import { describe, expect, it } from 'vitest';
import { createResponse } from '../../../src/sip/response.js';
import { parseMessage, type SipRequest, type SipResponse } from '../../../src/sip/index.js';
import { ServerTransactionLayer } from '../../../src/sip/transaction/server-transaction-layer.js';
import type { ServerTransaction } from '../../../src/sip/transaction/server-transactions.js';
import { defaultSipTimers } from '../../../src/sip/transaction/timers.js';
import { FakeClock } from '../../support/fake-clock.js';

const encoder = new TextEncoder();
function request(method: string, branch: string, extra = ''): SipRequest {
  const text =
    `${method} sip:+48221234567@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${branch}\r\n` +
    'From: <sip:caller@127.0.0.1>;tag=abc\r\n' +
    `To: <sip:+48221234567@127.0.0.1>${extra}\r\n` +
    'Call-ID: call-1@127.0.0.1\r\n' +
    `CSeq: 1 ${method}\r\n` +
    'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
  return parseMessage(encoder.encode(text)) as SipRequest;
}

function harness(reliable = false) {
  const clock = new FakeClock();
  const sent: { status: number; at: number }[] = [];
  const incoming: { request: SipRequest; transaction: ServerTransaction }[] = [];
  const acks: SipRequest[] = [];
  const timeouts: string[] = [];
  const layer = new ServerTransactionLayer<string>({
    send: (response: SipResponse) => sent.push({ status: response.status, at: clock.now }),
    onRequest: ({ request: r, transaction }) => incoming.push({ request: r, transaction }),
    onAck: (ack) => acks.push(ack),
    onAckTimeout: (r) => timeouts.push(r.method),
    reliable: () => reliable,
    scheduler: clock,
  });
  return { clock, sent, incoming, acks, timeouts, layer };
}

const { t1, t2 } = defaultSipTimers;

describe('INVITE server transaction', () => {
  it('resends the last provisional to a retransmitted INVITE and passes it up only once', () => {
    const h = harness();
    const invite = request('INVITE', 'z9hG4bK-1');
    h.layer.receive(invite, 'peer');
    h.layer.receive(invite, 'peer');
    expect(h.incoming).toHaveLength(1);
    expect(h.sent).toEqual([]); // nothing to resend yet
    h.incoming[0]?.transaction.respond(createResponse(invite, 100));
    h.layer.receive(invite, 'peer');
    expect(h.sent.map((s) => s.status)).toEqual([100, 100]);
  });

  it('retransmits a failure at T1, 2·T1, … capped at T2 until the ACK, which it absorbs, then ends after T4', () => {
    const h = harness();
    const invite = request('INVITE', 'z9hG4bK-2');
    h.layer.receive(invite, 'peer');
    h.incoming[0]?.transaction.respond(createResponse(invite, 486, { toTag: 'uas' }));
    h.clock.advance(t1 + 2 * t1 + 4 * t1 + t2 + t2);
    expect(h.sent.map((s) => s.at)).toEqual([0, t1, 3 * t1, 7 * t1, 7 * t1 + t2, 7 * t1 + 2 * t2]);
    h.layer.receive(request('ACK', 'z9hG4bK-2', ';tag=uas'), 'peer');
    expect(h.acks).toEqual([]); // absorbed by the transaction
    h.clock.advance(defaultSipTimers.t4 - 1);
    expect(h.sent).toHaveLength(6); // no more retransmissions
    expect(h.layer.size).toBe(1);
    h.clock.advance(1);
    expect(h.layer.size).toBe(0); // Timer I
  });

  it('gives up after 64·T1 without an ACK (Timer H) and tells the call logic', () => {
    const h = harness();
    const invite = request('INVITE', 'z9hG4bK-3');
    h.layer.receive(invite, 'peer');
    h.incoming[0]?.transaction.respond(createResponse(invite, 480, { toTag: 'uas' }));
    h.clock.advance(64 * t1);
    expect(h.timeouts).toEqual(['INVITE']);
    expect(h.layer.size).toBe(0);
  });

  it('retransmits the 2xx until the dialog reports its ACK, which the layer passes up', () => {
    const h = harness();
    const invite = request('INVITE', 'z9hG4bK-4');
    h.layer.receive(invite, 'peer');
    h.incoming[0]?.transaction.respond(createResponse(invite, 200, { toTag: 'uas' }));
    h.clock.advance(3 * t1);
    expect(h.sent.map((s) => s.status)).toEqual([200, 200, 200]);
    h.layer.receive(invite, 'peer'); // a late retransmission is absorbed in Accepted
    expect(h.sent).toHaveLength(3);
    h.layer.receive(request('ACK', 'z9hG4bK-ack', ';tag=uas'), 'peer'); // a 2xx ACK is its own transaction
    expect(h.acks).toHaveLength(1);
    const transaction = h.incoming[0]?.transaction as unknown as { ackForSuccess(): void };
    transaction.ackForSuccess();
    h.clock.advance(10 * t2);
    expect(h.sent).toHaveLength(3);
    expect(h.timeouts).toEqual([]);
    h.clock.advance(64 * t1);
    expect(h.layer.size).toBe(0); // Timer L
  });

  it('reports a 2xx never acknowledged when Timer L ends the transaction', () => {
    const h = harness();
    const invite = request('INVITE', 'z9hG4bK-10');
    h.layer.receive(invite, 'peer');
    h.incoming[0]?.transaction.respond(createResponse(invite, 200, { toTag: 'uas' }));
    h.clock.advance(64 * t1);
    expect(h.timeouts).toEqual(['INVITE']);
    expect(h.incoming[0]?.transaction.terminated).toBe(true);
    expect(h.sent.at(-1)?.at).toBeLessThan(64 * t1);
  });

  it('sets no retransmission timers over a reliable transport', () => {
    const h = harness(true);
    const invite = request('INVITE', 'z9hG4bK-5');
    h.layer.receive(invite, 'peer');
    h.incoming[0]?.transaction.respond(createResponse(invite, 486, { toTag: 'uas' }));
    h.clock.advance(10 * t2);
    expect(h.sent).toHaveLength(1);
    h.layer.receive(request('ACK', 'z9hG4bK-5', ';tag=uas'), 'peer');
    h.clock.advance(0);
    expect(h.layer.size).toBe(0); // Timer I is zero
  });
});

describe('non-INVITE server transaction', () => {
  it('ignores retransmissions while trying, resends the final, and ends after 64·T1 (Timer J)', () => {
    const h = harness();
    const bye = request('BYE', 'z9hG4bK-6', ';tag=uas');
    h.layer.receive(bye, 'peer');
    h.layer.receive(bye, 'peer');
    expect(h.sent).toEqual([]);
    h.incoming[0]?.transaction.respond(createResponse(bye, 200));
    h.layer.receive(bye, 'peer');
    expect(h.sent.map((s) => s.status)).toEqual([200, 200]);
    h.clock.advance(64 * t1 - 1);
    expect(h.layer.size).toBe(1);
    h.clock.advance(1);
    expect(h.layer.size).toBe(0);
    h.layer.receive(bye, 'peer'); // after the transaction: a new one
    expect(h.incoming).toHaveLength(2);
  });

  it('tells transactions apart by branch, sent-by and method', () => {
    const h = harness();
    h.layer.receive(request('OPTIONS', 'z9hG4bK-7'), 'peer');
    h.layer.receive(request('OPTIONS', 'z9hG4bK-8'), 'peer');
    h.layer.receive(request('INFO', 'z9hG4bK-7'), 'peer');
    expect(h.incoming).toHaveLength(3);
  });
});

describe('responses', () => {
  it('copy Via, From, Call-ID and CSeq, and tag the To of every response but 100', () => {
    const invite = request('INVITE', 'z9hG4bK-9');
    expect(createResponse(invite, 100, { toTag: 'x' }).headers.get('To')).not.toContain('tag=');
    const ok = createResponse(invite, 200, { toTag: 'x' });
    expect(ok.headers.get('To')).toContain(';tag=x');
    expect(ok.headers.get('Via')).toBe(invite.headers.get('Via'));
    expect(ok.headers.get('CSeq')).toBe('1 INVITE');
    expect(ok.reason).toBe('OK');
  });
});
