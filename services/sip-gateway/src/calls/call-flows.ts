// Runs each answered call's flow (its DID's flow document) against the call's media: prompts played at media,
// keys from media's RFC 4733 detection or SIP INFO. When the flow ends, what it learnt about the caller becomes
// an interaction.attributes_updated event. What follows an enqueue (routing, music, the agent) and a hangUp (our
// BYE) is not wired yet: the outcome is logged and the call stays up until the caller leaves (README "State").
import type { Logger, RpcClient } from '@parley/kit';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { attributesCollected, type AnsweredCall } from '../events/call-events.js';
import type { FlowDocument } from '../flows/flow-document.js';
import { runFlow, type FlowOutcome, type FlowRun } from '../flows/flow-runner.js';
import { CallAudio } from './call-audio.js';
import type { MediaEventFeed } from './media-event-feed.js';

export interface CallFlowsOptions {
  flows: ReadonlyMap<string, FlowDocument>;
  media: RpcClient<typeof MediaServiceService>;
  feed: MediaEventFeed;
  events: (envelopes: Envelope[]) => void;
  logger: Logger;
  /** Told how each flow ended (tests, and the call logic that will act on it). */
  onOutcome?: (call: AnsweredCall, outcome: FlowOutcome, run: FlowRun) => void;
}

export class CallFlows {
  private readonly running = new Map<string, CallAudio>();

  constructor(private readonly options: CallFlowsOptions) {}

  /** The call was answered with its media endpoint: run its flow. */
  answered(call: AnsweredCall, endpointId: string): void {
    const document = this.options.flows.get(call.flowId);
    if (!document) {
      this.options.logger.warn({ callId: call.callId, flowId: call.flowId }, 'no such flow; the call waits');
      return;
    }
    const audio = new CallAudio(this.options.media, endpointId);
    const stopListening = this.options.feed.listen(call.callId, (event) => audio.onMediaEvent(event));
    this.running.set(call.callId, audio);
    const run: FlowRun = { attributes: {}, path: [] };
    runFlow(document, audio, run)
      .then((outcome) => {
        if (Object.keys(run.attributes).length > 0) {
          this.options.events([attributesCollected(call, run.attributes, new Date())]);
        }
        this.options.logger.info({ callId: call.callId, outcome: outcome.kind, node: outcome.nodeId }, 'flow ended');
        this.options.onOutcome?.(call, outcome, run);
      })
      .catch((error: unknown) => this.options.logger.error({ err: error, callId: call.callId }, 'flow failed'))
      .finally(() => {
        stopListening();
        this.running.delete(call.callId);
      });
  }

  /** A key from SIP INFO (RFC 4733 keys come through media's events). */
  digit(callId: string, key: string): void {
    this.running.get(callId)?.pushDigit(key);
  }

  /** The caller hung up: the flow stops waiting. */
  ended(callId: string): void {
    this.running.get(callId)?.hangUp();
  }

  close(): void {
    for (const audio of this.running.values()) audio.hangUp();
  }
}
