// What a supervisor's dashboard and the API say over the supervisor socket (JSON text frames), checked here.
import { z } from 'zod';
import { mediaMessage, type MediaAnswer } from '../media/media-messages.js';

const id = z.string().min(1).max(128);

export const supervisorClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(8_192) }),
  /** A fresh snapshot of the site's queues and agents. */
  z.strictObject({ type: z.literal('refresh') }),
  /** Force an agent of the site into a state; OFFLINE logs the agent out. */
  z.strictObject({
    type: z.literal('force_state'),
    agentId: id,
    state: z.enum(['AVAILABLE', 'NOT_READY', 'OFFLINE']),
    reasonId: z.string().max(128).optional(),
  }),
  /** Listen to (monitor), coach (whisper) or join (barge) an agent's call, with the dashboard's RTP capabilities. */
  z.strictObject({
    type: z.literal('supervise'),
    interactionId: id,
    mode: z.enum(['monitor', 'whisper', 'barge']),
    rtpCapabilities: z.record(z.string(), z.unknown()),
    /** Reuse to switch mode on the same call. */
    supervisionId: id.optional(),
  }),
  z.strictObject({ type: z.literal('stop_supervising'), supervisionId: id }),
  mediaMessage,
]);

export type SupervisorClientMessage = z.output<typeof supervisorClientMessage>;

export interface QueueView {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitMs: number;
  serviceLevelPercent: number;
  averageSpeedOfAnswerMs: number;
  abandonRatePercent: number;
  entered: number;
  answered: number;
  abandoned: number;
}

export interface AgentView {
  agentId: string;
  name: string;
  state: string;
  reason: string;
  since: string | null;
  interactionIds: string[];
}

export type SupervisorServerMessage =
  | { type: 'ready'; username: string; site: string }
  | { type: 'snapshot'; site: string; queues: QueueView[]; agents: AgentView[]; takenAt: string }
  | { type: 'agent_state'; agentId: string; state: string; reason: string; at: string }
  | { type: 'queue_stats'; queue: Omit<QueueView, 'name'> }
  | { type: 'state_forced'; agentId: string; state: string }
  /** `consumers`: the ones media made for this dashboard's peer only (consume, then resume each). */
  | { type: 'supervising'; supervisionId: string; interactionId: string; mode: string; consumers: unknown[] }
  /** `stopped`: the answer to stop_supervising; `call_ended`: media ended it because the call ended. */
  | { type: 'supervision_stopped'; supervisionId: string; reason: 'stopped' | 'call_ended' }
  | MediaAnswer
  | { type: 'error'; code: string; message: string };
