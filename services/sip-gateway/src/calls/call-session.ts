// One call's state as the call logic keeps it (call-sessions.ts owns the map of them), what the contract's Call
// is made from (CallView), and the errors the call RPCs answer with.
import { ParleyError, type Status } from '@parley/kit';
import type { MediaLeg } from '@parley/protos/parley/common/v1/media';
import type { AnsweredCall } from '../events/call-events.js';
import type { FlowNode } from '../flows/flow-document.js';
import type { FlowRun } from '../flows/flow-runner.js';
import type { CallAudio } from './call-audio.js';
import type { CallRouting } from './call-routing.js';
import type { ExternalLeg } from './external-leg.js';
import type { Consultation } from './call-transfers.js';
import type { QueueWait } from './queue-wait.js';

/**
 * Where a call is: its flow, waiting in a queue, talking with an agent, handed to an external number, or (calls
 * Parley places) still dialling the customer.
 */
export type Phase = 'dialing' | 'flow' | 'queued' | 'connected' | 'external' | 'ended';

export type EnqueueNode = Extract<FlowNode, { type: 'enqueue' }>;

export interface CallSession {
  call: AnsweredCall;
  endpointId: string;
  audio: CallAudio;
  routing: CallRouting;
  phase: Phase;
  /** What the flow learnt; `callbackQueue` set once the caller chose to be called back. */
  run: FlowRun;
  /** The flow's enqueue node: how the call waits (again after a transfer). */
  queueing: EnqueueNode | undefined;
  wait: QueueWait | undefined;
  agentId: string | undefined;
  agentLeg: MediaLeg | undefined;
  /** The media bridge between the caller and the connected agent. */
  bridgeId: string | undefined;
  /** The leg to an external number, in the 'external' phase. */
  external: ExternalLeg | undefined;
  /** For calls Parley placed to the customer (callbacks): their leg, which our hang-ups go to. */
  placed: ExternalLeg | undefined;
  /** The connected agent's SIP phone leg (agents on phones), hung up when the agent's part ends. */
  agentPhone: ExternalLeg | undefined;
  /** The agent's consultation with a number before a consultative transfer, while open. */
  consultation: Consultation | undefined;
  /** A three-way call with a consulted party: the media conference and that party's leg. */
  conference: { id: string; leg: ExternalLeg } | undefined;
  /** Set while the agent holds the customer. */
  heldAt: Date | undefined;
  stopListening: () => void;
}

/** What ListActiveCalls and the call RPCs say about a call. */
export interface CallView {
  call: AnsweredCall;
  endpointId: string;
  phase: Phase;
  agentId: string | undefined;
  agentLeg: MediaLeg | undefined;
  held: boolean;
  /** The open consultation, if any (the call is CONSULTING). */
  consultationId: string | undefined;
  /** A three-way call (CONFERENCE). */
  conference: boolean;
}

export function view(session: CallSession): CallView {
  const { call, endpointId, phase, agentId, agentLeg } = session;
  return {
    call,
    endpointId,
    phase,
    agentId,
    agentLeg,
    held: session.heldAt !== undefined,
    consultationId: session.consultation?.id,
    conference: session.conference !== undefined,
  };
}

export function callError(code: string, status: Status, message: string): ParleyError {
  return new ParleyError(code, message, { status, domain: 'sip-gateway' });
}
