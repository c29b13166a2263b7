// What one call asks of routing: the interaction a voice call becomes in a queue, whether a queue is open (a flow's
// businessHours node decides by routing's own calendar rules), and turning the call into a callback that keeps its
// place in line (from a flow's offerCallback node or the queue's offer while waiting).
import type { RpcClient } from '@parley/kit';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { Interaction } from '@parley/protos/parley/common/v1/interaction';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { isQueueOpenAt } from '@parley/routing/queue-hours';
import type { AnsweredCall } from '../events/call-events.js';
import type { FlowRun, FlowServices } from '../flows/flow-runner.js';

const E164 = /^\+[1-9][0-9]{6,14}$/;

export class CallRouting implements FlowServices {
  constructor(
    private readonly routing: RpcClient<typeof RoutingServiceService>,
    private readonly call: AnsweredCall,
  ) {}

  /** Puts the call in `queueId` (idempotent at routing: a repeat returns the position). */
  async enqueue(queueId: string, priority: number, attributes: Record<string, string>): Promise<void> {
    const { call } = this;
    await this.routing.enqueueInteraction({
      interaction: Interaction.fromPartial({
        id: call.interactionId,
        channel: Channel.CHANNEL_VOICE,
        direction: Direction.DIRECTION_INBOUND,
        siteId: call.site,
        customer: { phoneNumber: call.callerNumber ?? '', displayName: call.callerName ?? '' },
        attributes,
        queueId,
        priority,
        callId: call.callId,
        entryPoint: call.dialled,
      }),
    });
  }

  async isQueueOpen(queueId: string): Promise<boolean> {
    const { queue } = await this.routing.getQueue({ queueId });
    return isQueueOpenAt(queue?.businessHours, new Date());
  }

  /** Routing calls back numbers in E.164 only: a withheld number or a SIP-only caller is never offered one. */
  canCallBack(): boolean {
    return E164.test(this.call.callerNumber ?? '');
  }

  async requestCallback(queueId: string, run: FlowRun): Promise<void> {
    await this.enqueue(queueId, 0, run.attributes);
    await this.convertToCallback();
  }

  /** The waiting call becomes a callback to the caller's number, same queue, same place. */
  async convertToCallback(): Promise<void> {
    await this.routing.convertToCallback({
      interactionId: this.call.interactionId,
      phoneNumber: this.call.callerNumber ?? '',
      notBefore: undefined,
    });
  }
}
