// The supervisor console's controller: one supervisor socket per tab feeding the reducer, the commands the screen
// sends (each listed until the audit log lists it), the site's audit log read every few seconds and after each
// command, the supervision's audio, and a fallback refresh while the server pushes no queue statistics by itself.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type Dispatch, type RefObject } from 'react';
import { LiveSocket, type ServerMessage } from '../api/live-socket';
import { apiCall, apiGet } from '../api/rest';
import type { Session } from '../auth/session';
import { auditReadSince, MAX_AUDIT_ENTRIES } from './audit-entries';
import { CommandChannel } from './command-channel';
import type { SupervisionAudio } from './supervision-audio';
import {
  initialModel,
  supervisorReducer,
  type AgentRow,
  type SupervisionMode,
  type SupervisorEvent,
  type SupervisorModel,
} from './supervisor-model';
import { useSupervision, type Act } from './use-supervision';
import { reasonName } from './wallboard-figures';

export type ForcedState = 'AVAILABLE' | 'NOT_READY' | 'OFFLINE';
export interface Reason {
  code: string;
  name: string;
}

/** How often to ask for a snapshot while the server pushes no queue statistics (routing publishes none yet). */
export const POLL_MS = 5_000;
/** Pushed queue statistics older than this no longer count as the server pushing them. */
const PUSHES_STALE_MS = 15_000;
/** An agent's state changed: its interactions (which agent_state does not carry) are read this long after. */
const AFTER_STATE_CHANGE_MS = 1_000;
const REFRESH_TIMEOUT_MS = 5_000;
/** How often the audit log is read again (it is also read after each of the supervisor's commands). */
export const AUDIT_POLL_MS = 5_000;
/** How far back the first read of the audit log goes. */
const AUDIT_WINDOW_MS = 12 * 60 * 60 * 1000;

const FORCE_ACTION: Record<ForcedState, string> = {
  AVAILABLE: 'Force available',
  NOT_READY: 'Force not ready',
  OFFLINE: 'Log out',
};

export interface SupervisorConsole {
  model: SupervisorModel;
  reasons: Reason[];
  audio: SupervisionAudio | undefined;
  forceState: (agent: AgentRow, state: ForcedState, reasonId?: string) => Promise<void>;
  supervise: (agent: AgentRow, mode: SupervisionMode) => Promise<void>;
  stopSupervising: (why?: string) => Promise<void>;
  dismiss: (id: number) => void;
}

export function useSupervisorConsole(session: Session): SupervisorConsole {
  const [model, dispatch] = useReducer(supervisorReducer, undefined, initialModel);
  const modelRef = useRef(model);
  const socketRef = useRef<LiveSocket | undefined>(undefined);
  const [channel] = useState(() => new CommandChannel());
  const actionIds = useRef(0);
  const reasons = useReasons(session);

  useEffect(() => {
    modelRef.current = model;
  }, [model]);

  const readAudit = useAuditReader(session, modelRef, dispatch);
  const act: Act = useCallback(
    async (what, target, audit, work) => {
      const id = ++actionIds.current;
      dispatch({ type: 'action_started', id, who: session.username, what, target, audit, at: Date.now() });
      try {
        dispatch({ type: 'action_finished', id, ok: true, detail: (await work()) || '' });
        return true;
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        dispatch({ type: 'action_finished', id, ok: false, detail });
        dispatch({ type: 'notice', kind: 'error', text: `${what} ${target} failed: ${detail}`, at: Date.now() });
        return false;
      } finally {
        // The server stores its record before it answers: the list shows it now rather than at the next read.
        readAudit();
      }
    },
    [session, readAudit],
  );
  const { audio, supervise, stopSupervising, receivePushed, stoppedByServer, closeAudio } = useSupervision({
    model,
    modelRef,
    socketRef,
    channel,
    dispatch,
    act,
  });

  const refreshing = useRef(false);
  const refresh = useCallback(() => {
    if (refreshing.current || modelRef.current.connection !== 'open') return;
    refreshing.current = true;
    channel
      .run({ type: 'refresh' }, (answer) => answer.type === 'snapshot', REFRESH_TIMEOUT_MS)
      // A failed refresh shows as the figures' age ("as of …"), not as a notice every few seconds.
      .catch(() => undefined)
      .finally(() => (refreshing.current = false));
  }, [channel]);

  useEffect(() => {
    let afterChange: ReturnType<typeof setTimeout> | undefined;
    const onMessage = (message: ServerMessage) => {
      const consumed = channel.offer(message);
      if (!consumed) dispatch({ type: 'server', message, at: Date.now() });
      if (message.type === 'media_consumer')
        void receivePushed(message['consumer']).catch((error: unknown) =>
          dispatch({ type: 'notice', kind: 'error', text: `Call audio: ${String(error)}`, at: Date.now() }),
        );
      if (message.type === 'supervision_stopped' && message['reason'] === 'call_ended')
        stoppedByServer(String(message['supervisionId']));
      if (message.type === 'agent_state' && !afterChange)
        afterChange = setTimeout(() => {
          afterChange = undefined;
          refresh();
        }, AFTER_STATE_CHANGE_MS);
    };
    const socket = new LiveSocket({
      path: '/api/v1/supervisor/socket',
      session,
      resumable: false,
      onMessage,
      onStatus: (status) => {
        if (status !== 'open') channel.drop('the connection dropped before the server answered');
        // The server ends a socket's supervisions and audio peer with the socket; the reducer says so.
        if (status === 'offline') closeAudio();
        dispatch({ type: 'connection', status, at: Date.now() });
      },
    });
    socketRef.current = socket;
    channel.attach(socket);
    const poll = setInterval(() => {
      const { queueStatsAt } = modelRef.current;
      if (queueStatsAt === undefined || Date.now() - queueStatsAt > PUSHES_STALE_MS) refresh();
    }, POLL_MS);
    readAudit();
    const auditPoll = setInterval(readAudit, AUDIT_POLL_MS);
    return () => {
      clearTimeout(afterChange);
      clearInterval(poll);
      clearInterval(auditPoll);
      socket.close();
      socketRef.current = undefined;
      channel.attach(undefined);
      closeAudio();
    };
  }, [session, channel, refresh, closeAudio, receivePushed, stoppedByServer, readAudit]);

  const forceState = useCallback(
    async (agent: AgentRow, state: ForcedState, reasonId?: string) => {
      const why = state === 'NOT_READY' ? ` (${reasonName(reasonId || 'forced', reasons)})` : '';
      // REST rather than the socket's force_state: its answer and its refusal (a problem document) name the request.
      const audit = { action: 'agent.force_state', target: `agent/${agent.agentId}` };
      await act(FORCE_ACTION[state], agent.name, audit, async () => {
        await apiCall(session, 'PUT', `/api/v1/supervisor/agents/${encodeURIComponent(agent.agentId)}/state`, {
          state,
          ...(reasonId ? { reasonId } : {}),
        });
        return `${agent.agentId}${why}`;
      });
    },
    [act, session, reasons],
  );

  const dismiss = useCallback((id: number) => dispatch({ type: 'dismiss', id }), []);

  return useMemo(
    () => ({ model, reasons, audio, forceState, supervise, stopSupervising, dismiss }),
    [model, reasons, audio, forceState, supervise, stopSupervising, dismiss],
  );
}

/**
 * Reads the site's audit log: the last AUDIT_WINDOW_MS at first, then what is newer than the newest record listed
 * (merged by the reducer). One read at a time; one asked for meanwhile runs after it.
 */
function useAuditReader(
  session: Session,
  modelRef: RefObject<SupervisorModel>,
  dispatch: Dispatch<SupervisorEvent>,
): () => void {
  const reading = useRef(false);
  const again = useRef(false);
  const read = useCallback((): void => {
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    void (async () => {
      do {
        again.current = false;
        const kept = modelRef.current.audit;
        const since = auditReadSince(kept, Date.now(), AUDIT_WINDOW_MS);
        const query = `since=${encodeURIComponent(since)}&limit=${MAX_AUDIT_ENTRIES}`;
        try {
          const answer = await apiGet<{ records?: unknown; complete?: boolean }>(
            session,
            `/api/v1/supervisor/audit?${query}`,
          );
          dispatch({
            type: 'audit_read',
            records: answer.records ?? [],
            complete: answer.complete !== false,
            incremental: kept.length > 0,
            at: Date.now(),
          });
        } catch (error) {
          dispatch({ type: 'audit_failed', text: error instanceof Error ? error.message : String(error) });
        }
      } while (again.current);
      reading.current = false;
    })();
  }, [session, modelRef, dispatch]);
  return read;
}

/** Not-ready reasons a supervisor may force, from the agent catalogue (supervisors and admins may read it). */
function useReasons(session: Session): Reason[] {
  const [reasons, setReasons] = useState<Reason[]>([]);
  useEffect(() => {
    let live = true;
    apiGet<{ notReadyReasons?: Reason[] }>(session, '/api/v1/agent/catalogue').then(
      (answer) => live && setReasons(answer.notReadyReasons ?? []),
      // Unreadable now: forcing then names no reason, routing's "forced".
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [session]);
  return reasons;
}
