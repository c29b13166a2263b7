// What a queued call hears while it waits (queue-wait.ts plays it): music, position announcements from routing,
// and — when the flow's enqueue node offers one and the caller can be called back — the offer of a callback, which
// turns the interaction into a callback at routing before the caller hears the confirmation.
import type { Logger, RpcClient } from '@parley/kit';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { CallSession } from './call-session.js';
import { QueueWait } from './queue-wait.js';

export interface QueuePhaseDeps {
  routing: RpcClient<typeof RoutingServiceService>;
  logger: Logger;
  /** The caller took the callback and heard the confirmation: the call can end. */
  callbackTaken: () => void;
}

export async function waitInQueue(session: CallSession, deps: QueuePhaseDeps): Promise<void> {
  const { call } = session;
  const node = session.queueing;
  const offerAfter = node?.offerCallbackAfterSeconds;
  const wait = new QueueWait({
    audio: session.audio,
    announceEverySeconds: node?.announceEverySeconds ?? 0,
    position: async () => {
      const answer = await deps.routing.getInteractionPosition({ interactionId: call.interactionId });
      return answer.position?.position || undefined;
    },
    ...(offerAfter !== undefined && session.routing.canCallBack()
      ? {
          callbackOffer: {
            afterSeconds: offerAfter,
            accept: async () => {
              await session.routing.convertToCallback();
              // From here the interaction is a callback: the caller hanging up is no abandon.
              session.run.callbackQueue = node?.queue;
            },
            accepted: deps.callbackTaken,
          },
        }
      : {}),
    onError: (error) => deps.logger.warn({ err: error, callId: call.callId }, 'queue announcement failed'),
  });
  session.wait = wait;
  await wait.start();
  if (session.phase !== 'queued') await wait.stop();
}
