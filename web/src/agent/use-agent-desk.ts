// The agent desk's controller: one agent socket per tab, the reducer fed by it, the tab's voice peer, and the
// commands the screen sends. Logs the agent in (not ready) once the socket is ready, and starts the microphone so a
// call the agent accepts is connected to this tab at once.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { LiveSocket, type ServerMessage } from '../api/live-socket';
import type { Session } from '../auth/session';
import { VoiceSession, type ConsumerOffer } from '../voice/voice-session';
import { agentReducer, initialModel } from './agent-model';

export type MicrophoneState = 'off' | 'asking' | 'on' | 'blocked' | 'failed';

export interface AgentDesk {
  model: typeof initialModel;
  microphone: MicrophoneState;
  microphoneError: string;
  voice: VoiceSession | undefined;
  send: (message: Record<string, unknown>) => void;
  startMicrophone: (deviceId?: string) => Promise<void>;
  notify: (kind: 'error' | 'info', text: string) => void;
  dismiss: (id: number) => void;
}

export function useAgentDesk(session: Session): AgentDesk {
  const [model, dispatch] = useReducer(agentReducer, initialModel);
  const [microphone, setMicrophone] = useState<MicrophoneState>('off');
  const [microphoneError, setMicrophoneError] = useState('');
  const socketRef = useRef<LiveSocket | undefined>(undefined);
  const voiceRef = useRef<VoiceSession | undefined>(undefined);
  const [voice, setVoice] = useState<VoiceSession | undefined>(undefined);

  const startMicrophone = useCallback(async (deviceId?: string) => {
    const current = voiceRef.current;
    if (!current) return;
    setMicrophone('asking');
    try {
      await current.start(deviceId);
      setMicrophone('on');
      setMicrophoneError('');
    } catch (error) {
      const name = (error as { name?: string }).name;
      setMicrophone(name === 'NotAllowedError' || name === 'SecurityError' ? 'blocked' : 'failed');
      setMicrophoneError(error instanceof Error ? error.message : String(error));
    }
  }, []);

  useEffect(() => {
    let readyOnce = false;
    const onMessage = (message: ServerMessage) => {
      const at = Date.now();
      if (message.type === 'ready') {
        const status = message['status'] as { state?: string } | undefined;
        // A fresh tab tells routing the agent is here; resuming tabs (or a second tab) find them logged in already.
        if (status?.state === 'OFFLINE') socket.send({ type: 'login', ready: false });
        if (!readyOnce) {
          readyOnce = true;
          void startMicrophone();
        }
      }
      if (message.type === 'media_consumer')
        void voiceRef.current
          ?.receive(message['consumer'] as ConsumerOffer)
          .catch((error: unknown) =>
            dispatch({ type: 'notice', kind: 'error', text: `call audio: ${String(error)}`, at: Date.now() }),
          );
      dispatch({ type: 'server', message, at });
    };
    const socket = new LiveSocket({
      path: '/api/v1/agent/socket',
      session,
      resumable: true,
      onMessage,
      onStatus: (status) => dispatch({ type: 'connection', status, at: Date.now() }),
    });
    socketRef.current = socket;
    const tabVoice = new VoiceSession(socket);
    voiceRef.current = tabVoice;
    setVoice(tabVoice);
    return () => {
      tabVoice.close();
      socket.close();
    };
  }, [session, startMicrophone]);

  const send = useCallback((message: Record<string, unknown>) => {
    if (!socketRef.current?.send(message))
      dispatch({ type: 'notice', kind: 'error', text: 'Not connected: try again in a moment.', at: Date.now() });
  }, []);
  const notify = useCallback(
    (kind: 'error' | 'info', text: string) => dispatch({ type: 'notice', kind, text, at: Date.now() }),
    [],
  );
  const dismiss = useCallback((id: number) => dispatch({ type: 'dismiss', id }), []);

  return useMemo(
    () => ({ model, microphone, microphoneError, voice, send, startMicrophone, notify, dismiss }),
    [model, microphone, microphoneError, voice, send, startMicrophone, notify, dismiss],
  );
}
