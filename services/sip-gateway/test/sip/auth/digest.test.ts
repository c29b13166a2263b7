// Digest authentication: RFC 7616 §3.9.1's example vectors (MD5 and SHA-256), a client/verifier round trip, and
// the refusals — replayed nonce-count, stale nonce, forged nonce, wrong password, other realm.
import { describe, expect, it } from 'vitest';
import {
  authorize,
  digestResponse,
  DigestVerifier,
  formatChallenge,
  parseDigestChallenge,
  parseDigestCredentials,
} from '../../../src/sip/auth/digest.js';

const rfc7616 = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
};
const rfcQop = { cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: '00000001' };

describe('digest authentication', () => {
  it('computes RFC 7616’s example responses', () => {
    expect(digestResponse('MD5', rfc7616, rfcQop)).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse('SHA-256', rfc7616, rfcQop)).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('verifies what a client computes from its challenge, once per nonce-count', () => {
    let now = 1_000_000;
    const verifier = new DigestVerifier({ realm: 'pbx.example', secret: Buffer.from('s3cret'), now: () => now });
    const header = formatChallenge(verifier.challenge());
    const challenge = parseDigestChallenge(header);
    expect(challenge).toMatchObject({ realm: 'pbx.example', algorithm: 'SHA-256', qop: 'auth' });
    const request = { method: 'REGISTER', uri: 'sip:pbx.example' };
    const account = { username: 'agent-7', password: 'hunter2' };
    const first = parseDigestCredentials(authorize(challenge!, account, request, 1));
    expect(verifier.verify(first!, 'REGISTER', 'hunter2')).toEqual({ ok: true, username: 'agent-7' });
    expect(verifier.verify(first!, 'REGISTER', 'hunter2')).toEqual({ ok: false, reason: 'replay' });
    const second = parseDigestCredentials(authorize(challenge!, account, request, 2));
    expect(verifier.verify(second!, 'REGISTER', 'hunter2').ok).toBe(true);
    expect(
      verifier.verify(parseDigestCredentials(authorize(challenge!, account, request, 3))!, 'REGISTER', 'nope'),
    ).toEqual({ ok: false, reason: 'wrong-password' });
    now += 300_001;
    expect(
      verifier.verify(parseDigestCredentials(authorize(challenge!, account, request, 4))!, 'REGISTER', 'hunter2'),
    ).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses nonces it did not sign and credentials for another realm', () => {
    const verifier = new DigestVerifier({ realm: 'pbx.example', secret: Buffer.from('s3cret') });
    const other = new DigestVerifier({ realm: 'pbx.example', secret: Buffer.from('another') });
    const account = { username: 'agent-7', password: 'hunter2' };
    const request = { method: 'INVITE', uri: 'sip:+48221234567@pbx.example' };
    const forged = parseDigestCredentials(authorize(other.challenge(), account, request));
    expect(verifier.verify(forged!, 'INVITE', 'hunter2')).toEqual({ ok: false, reason: 'unknown-nonce' });
    const elsewhere = parseDigestCredentials(
      authorize({ ...verifier.challenge(), realm: 'other.example' }, account, request),
    );
    expect(verifier.verify(elsewhere!, 'INVITE', 'hunter2')).toEqual({ ok: false, reason: 'realm' });
  });

  it('parses quoted and token values, and rejects other schemes', () => {
    const parsed = parseDigestCredentials(
      'Digest username="a\\"b", realm="r", nonce="n", uri="sip:x", response="ABC", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"',
    );
    expect(parsed).toMatchObject({ username: 'a"b', response: 'abc', qop: 'auth', nc: '00000001', algorithm: 'MD5' });
    expect(parseDigestCredentials('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toBeUndefined();
    expect(parseDigestCredentials('Digest realm="r"')).toBeUndefined();
  });
});
