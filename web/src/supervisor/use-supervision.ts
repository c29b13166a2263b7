// Monitor, whisper and barge from the console: the tab's audio peer (made at the first supervision, kept for the
// connection), the supervise / stop_supervising commands in turn with the rest, mode switches that start the
// microphone first, and letting go of a supervision whose call has ended.
import { useCallback, useEffect, useRef, useState, type Dispatch, type RefObject } from 'react';
import type { LiveSocket, ServerMessage } from '../api/live-socket';
import type { AuditKey } from './audit-entries';
import { CommandError, type CommandChannel } from './command-channel';
import { SupervisionAudio } from './supervision-audio';
import {
  supervisionOrphaned,
  type AgentRow,
  type SupervisionMode,
  type SupervisorEvent,
  type SupervisorModel,
} from './supervisor-model';

export const MODE_ACTION: Record<SupervisionMode, string> = { monitor: 'Monitor', whisper: 'Whisper', barge: 'Barge' };

/**
 * Runs one of the supervisor's actions, listing it (pending, then how it ended, until the audit log lists the
 * record `audit` names); false when it failed.
 */
export type Act = (
  what: string,
  target: string,
  audit: AuditKey,
  work: () => Promise<string | void>,
) => Promise<boolean>;

export interface SupervisionDeps {
  model: SupervisorModel;
  /** The model as last rendered, for commands started from handlers. */
  modelRef: RefObject<SupervisorModel>;
  socketRef: RefObject<LiveSocket | undefined>;
  channel: CommandChannel;
  dispatch: Dispatch<SupervisorEvent>;
  act: Act;
}

export interface SupervisionControls {
  audio: SupervisionAudio | undefined;
  supervise: (agent: AgentRow, mode: SupervisionMode) => Promise<void>;
  stopSupervising: (why?: string) => Promise<void>;
  /** A consumer media pushed by itself (`media_consumer`). */
  receivePushed: (consumer: unknown) => Promise<void>;
  /** The server ended a supervision by itself (`supervision_stopped`, the call ended): the microphone goes off. */
  stoppedByServer: (supervisionId: string) => void;
  /** The connection is gone (the server closed the audio peer with it) or the console is leaving. */
  closeAudio: () => void;
}

export function useSupervision({
  model,
  modelRef,
  socketRef,
  channel,
  dispatch,
  act,
}: SupervisionDeps): SupervisionControls {
  const audioRef = useRef<SupervisionAudio | undefined>(undefined);
  const [audio, setAudio] = useState<SupervisionAudio | undefined>(undefined);

  const closeAudio = useCallback(() => {
    audioRef.current?.close();
    audioRef.current = undefined;
    setAudio(undefined);
  }, []);

  const receivePushed = useCallback(async (consumer: unknown) => {
    await audioRef.current?.receive([consumer]);
  }, []);

  const stoppedByServer = useCallback(
    (supervisionId: string) => {
      if (modelRef.current.supervision?.supervisionId === supervisionId)
        void audioRef.current?.speak(false).catch(() => undefined);
    },
    [modelRef],
  );

  /** The tab's audio peer for supervisions on this connection, made at the first one. */
  const audioPeer = useCallback((): SupervisionAudio | undefined => {
    const socket = socketRef.current;
    if (!audioRef.current && socket) {
      audioRef.current = new SupervisionAudio(socket);
      setAudio(audioRef.current);
    }
    return audioRef.current;
  }, [socketRef]);

  const stopSupervising = useCallback(
    async (why = '') => {
      const current = modelRef.current.supervision;
      // Only a running supervision can be stopped: while starting, the server has not named it yet.
      if (!current || current.phase !== 'active') return;
      dispatch({ type: 'supervision_stopping' });
      const supervisionId = current.supervisionId;
      if (supervisionId && modelRef.current.connection === 'open')
        await act('Stop supervising', current.agentName, stopKey(supervisionId), async () => {
          const stopped = (answer: ServerMessage) =>
            answer.type === 'supervision_stopped' && answer['supervisionId'] === supervisionId;
          await channel.run({ type: 'stop_supervising', supervisionId }, stopped);
          return why ? `supervision ${supervisionId}: ${why}` : `supervision ${supervisionId}`;
        });
      await audioRef.current?.speak(false).catch(() => undefined);
      dispatch({ type: 'supervision_ended', text: why, at: Date.now() });
    },
    [act, channel, dispatch, modelRef],
  );

  const switchMode = useCallback(
    async (agent: AgentRow, mode: SupervisionMode) => {
      const current = modelRef.current.supervision;
      const voice = audioRef.current;
      if (!current?.supervisionId || !voice || current.mode === mode) return;
      const { supervisionId, interactionId, mode: previous } = current;
      dispatch({ type: 'supervision_requested', agentId: agent.agentId, agentName: agent.name, mode, at: Date.now() });
      const ok = await act(MODE_ACTION[mode], agent.name, superviseKey(mode, interactionId), async () => {
        // The microphone sends before media makes anyone hear it (whisper, barge), and stops first for monitor.
        await voice.speak(mode !== 'monitor');
        const request = {
          type: 'supervise',
          interactionId,
          mode,
          rtpCapabilities: voice.rtpCapabilities,
          supervisionId,
        };
        const switched = (answer: ServerMessage) =>
          answer.type === 'supervising' && answer['supervisionId'] === supervisionId && answer['mode'] === mode;
        const answer = await channel.run(request, switched);
        await voice.receive(asArray(answer['consumers']));
        return `supervision ${supervisionId}`;
      });
      if (!ok) {
        await voice.speak(previous !== 'monitor').catch(() => undefined);
        dispatch({ type: 'supervision_failed' });
      }
    },
    [act, channel, dispatch, modelRef],
  );

  const supervise = useCallback(
    async (agent: AgentRow, mode: SupervisionMode) => {
      const current = modelRef.current.supervision;
      if (current && current.phase !== 'active') return;
      if (current?.agentId === agent.agentId) return switchMode(agent, mode);
      if (current) await stopSupervising();
      dispatch({ type: 'supervision_requested', agentId: agent.agentId, agentName: agent.name, mode, at: Date.now() });
      const voice = audioPeer();
      // The interaction is the first of the agent's that is a call: not known yet.
      const ok = await act(MODE_ACTION[mode], agent.name, superviseKey(mode), async () => {
        if (!voice) throw new CommandError('offline', 'not connected to Parley');
        await voice.begin();
        if (mode !== 'monitor') await voice.speak(true);
        const answer = await superviseFirstCall(channel, agent, mode, voice);
        await voice.receive(asArray(answer['consumers']));
        return `interaction ${String(answer['interactionId'])}`;
      });
      if (!ok) {
        await voice?.speak(false).catch(() => undefined);
        dispatch({ type: 'supervision_failed' });
      }
    },
    [act, audioPeer, channel, dispatch, modelRef, stopSupervising, switchMode],
  );

  // The call ended (no agent holds it any more): media has ended the supervision; let go of it here too. The server
  // says so itself (`supervision_stopped`, reason call_ended); this is for when its word is lost.
  useEffect(() => {
    const supervision = model.supervision;
    if (supervision && supervisionOrphaned(model))
      void stopSupervising(`The call ${supervision.agentName} was on has ended.`);
  }, [model, stopSupervising]);

  return { audio, supervise, stopSupervising, receivePushed, stoppedByServer, closeAudio };
}

/** The audit records of supervise and stop_supervising (supervisor-socket.ts). */
function superviseKey(mode: SupervisionMode, interactionId?: string): AuditKey {
  return { action: `call.${mode}`, ...(interactionId ? { target: `interaction/${interactionId}` } : {}) };
}

function stopKey(supervisionId: string): AuditKey {
  return { action: 'call.stop_supervising', target: `supervision/${supervisionId}` };
}

/**
 * Supervises the first of the agent's interactions that is a call: the snapshot lists chats too, and the server
 * answers `no_call` for those.
 */
async function superviseFirstCall(
  channel: CommandChannel,
  agent: AgentRow,
  mode: SupervisionMode,
  audio: SupervisionAudio,
): Promise<ServerMessage> {
  for (const interactionId of agent.interactionIds) {
    const request = { type: 'supervise', interactionId, mode, rtpCapabilities: audio.rtpCapabilities };
    try {
      return await channel.run(
        request,
        (answer) => answer.type === 'supervising' && answer['interactionId'] === interactionId,
      );
    } catch (error) {
      if (!(error instanceof CommandError && error.code === 'no_call')) throw error;
    }
  }
  throw new CommandError('no_call', `${agent.name} is not on a call`);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
