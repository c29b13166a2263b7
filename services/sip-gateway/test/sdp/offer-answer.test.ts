// RFC 3264 answers to the offers the gateway meets: sipp's, a softphone's (opus first, video too), a carrier's with
// a dynamic payload name, holds, and offers it must refuse (488) or cannot read (400).
import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { answerOffer, SdpNegotiationError, type LocalMedia } from '../../src/sdp/offer-answer.js';

const local: LocalMedia = {
  address: '10.1.2.3',
  port: 40_002,
  codecs: ['PCMU', 'PCMA'],
  sessionId: 4242,
  sessionVersion: 1,
};
const sdp = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

describe('SDP offer/answer', () => {
  it('answers sipp’s offer (PCMU, no events) on our address', () => {
    const { answer, audio } = answerOffer(
      sdp(
        'v=0',
        'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
        's=-',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        'm=audio 6000 RTP/AVP 0',
        'a=rtpmap:0 PCMU/8000',
      ),
      local,
    );
    expect(audio).toMatchObject({
      remoteAddress: '127.0.0.1',
      remotePort: 6000,
      codec: 'PCMU',
      payloadType: 0,
      direction: 'sendrecv',
      held: false,
    });
    expect(audio.telephoneEventPayloadType).toBeUndefined();
    const parsed = parse(answer);
    expect(parsed.connection?.ip).toBe('10.1.2.3');
    expect(parsed.media[0]).toMatchObject({ type: 'audio', port: 40_002 });
    expect(String(parsed.media[0]?.payloads)).toBe('0'); // sdp-transform reads a single format as a number
  });

  it('picks the first G.711 in the offerer’s order, keeps its telephone-event type, refuses video in place', () => {
    const { answer, audio } = answerOffer(
      sdp(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.10',
        's=softphone',
        't=0 0',
        'm=audio 5004 RTP/AVP 111 8 0 96',
        'c=IN IP4 192.0.2.10',
        'a=rtpmap:111 opus/48000/2',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:96 telephone-event/8000',
        'a=fmtp:96 0-15',
        'a=ptime:20',
        'm=video 5006 RTP/AVP 97',
        'a=rtpmap:97 H264/90000',
      ),
      local,
    );
    expect(audio).toMatchObject({ codec: 'PCMA', payloadType: 8, telephoneEventPayloadType: 96, ptimeMs: 20 });
    const parsed = parse(answer);
    expect(parsed.media).toHaveLength(2); // same streams, same order
    expect(parsed.media[0]).toMatchObject({ port: 40_002, payloads: '8 96' });
    expect(parsed.media[0]?.fmtp).toEqual([{ payload: 96, config: '0-15' }]);
    expect(parsed.media[1]).toMatchObject({ type: 'video', port: 0 });
  });

  it('recognises G.711 under a dynamic payload type', () => {
    const { audio } = answerOffer(
      sdp(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'm=audio 7000 RTP/AVP 99',
        'a=rtpmap:99 PCMU/8000',
      ),
      local,
    );
    expect(audio).toMatchObject({ codec: 'PCMU', payloadType: 99 });
  });

  it('mirrors a hold: sendonly → recvonly, and c=0.0.0.0 (RFC 2543)', () => {
    const base = ['v=0', 'o=- 1 2 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 7000 RTP/AVP 0'];
    const sendonly = answerOffer(sdp(...base, 'c=IN IP4 192.0.2.1', 'a=sendonly'), local);
    expect(sendonly.audio).toMatchObject({ direction: 'recvonly', held: true });
    expect(parse(sendonly.answer).media[0]?.direction).toBe('recvonly');
    const legacy = answerOffer(sdp(...base, 'c=IN IP4 0.0.0.0'), local);
    expect(legacy.audio).toMatchObject({ direction: 'recvonly', held: true });
    expect(answerOffer(sdp(...base, 'c=IN IP4 192.0.2.1', 'a=inactive'), local).audio.direction).toBe('inactive');
  });

  it('refuses offers without G.711 audio with 488 and unreadable ones with 400', () => {
    const status = (text: string) => {
      try {
        answerOffer(text, local);
        return 0;
      } catch (error) {
        return error instanceof SdpNegotiationError ? error.status : -1;
      }
    };
    expect(
      status(
        sdp(
          'v=0',
          'o=- 1 1 IN IP4 192.0.2.1',
          's=-',
          'c=IN IP4 192.0.2.1',
          't=0 0',
          'm=audio 7000 RTP/AVP 18',
          'a=rtpmap:18 G729/8000',
        ),
      ),
    ).toBe(488);
    expect(
      status(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=video 7000 RTP/AVP 97')),
    ).toBe(488);
    expect(
      status(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 7000 RTP/SAVP 0')),
    ).toBe(488);
    expect(status('hello')).toBe(400);
    expect(status(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 7000 RTP/AVP 0'))).toBe(400); // no c=
  });
});
