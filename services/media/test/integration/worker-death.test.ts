// A mediasoup worker killed under its calls: the legs on it are reported lost (media.worker_died with the
// interactions), new calls go to the surviving worker, and the dead one is replaced.
import { waitFor } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMediaFixture, type MediaFixture } from '../support/media-fixture.js';

let media: MediaFixture;

beforeAll(async () => {
  media = await startMediaFixture({ workers: 2, respawnDelayMs: 300 });
});
afterAll(() => media.close());

const spec = (id: string) => ({
  id,
  callId: `call-${id}`,
  interactionId: `interaction-${id}`,
  codec: 'PCMU' as const,
  payloadType: 0,
  telephoneEventPayloadType: 101,
  remote: { address: '127.0.0.1', port: 9 },
});

describe('a worker dies', () => {
  it('reports its calls, places new calls on the survivor, and is replaced', async () => {
    const first = await media.engine.createRtpEndpoint(spec('death-1'));
    const second = await media.engine.createRtpEndpoint(spec('death-2'));
    expect(first.slot).not.toBe(second.slot);
    const doomed = first.slot;
    process.kill(doomed.worker.pid, 'SIGKILL');

    const died = await waitFor(() => media.events.find((event) => event.type === 'media.worker_died'));
    expect(died.mediaWorkerDied?.workerId).toBe(doomed.id);
    expect(died.mediaWorkerDied?.interactionIds).toEqual(['interaction-death-1']);
    expect(died.mediaWorkerDied?.legs).toEqual([{ rtpEndpointId: 'death-1' }]);
    expect(() => media.engine.endpoint('death-1')).toThrow(/does not exist/);

    // While the dead worker is out, every new call goes to the survivor.
    const third = await media.engine.createRtpEndpoint(spec('death-3'));
    expect(third.slot).toBe(second.slot);

    const replaced = await waitFor(() => media.pool.all().filter((slot) => slot.alive).length === 2 || undefined);
    expect(replaced).toBe(true);
    expect(media.pool.all().map((slot) => slot.id)).not.toContain(doomed.id);
    const fourth = await media.engine.createRtpEndpoint(spec('death-4'));
    expect(fourth.slot).not.toBe(second.slot);
    expect(second.closed).toBe(false);
  });
});
