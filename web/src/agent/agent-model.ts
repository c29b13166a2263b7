// The agent desktop's picture of the world, built only from what the agent socket says (a pure reducer, so a
// replayed or duplicated push cannot leave the screen in a state the server never had). Times are epoch ms.
import type { SocketStatus } from '../api/live-socket';

export type Channel = 'VOICE' | 'CHAT' | 'EMAIL' | 'CALLBACK' | string;

export interface Offer {
  offerId: string;
  interactionId: string;
  channel: Channel;
  queueId: string;
  attributes: Record<string, string>;
  customer: { name: string; phoneNumber: string; email: string };
  receivedAt: number;
  expiresAt: number;
}

export interface ChatLine {
  id: string;
  from: 'visitor' | 'agent' | 'system';
  senderName: string;
  text: string;
  sentAt: string;
  status?: 'sent' | 'delivered' | 'read';
}

export interface ScreenPop {
  customer: { id: string; name: string; phoneNumber: string; email: string };
  attributes: Record<string, string>;
  recent: { interactionId: string; channel: string; createdAt: string | null; wrapUpCode: string }[];
}

export interface Work {
  interactionId: string;
  channel: Channel;
  queueId: string;
  /** connected, held, wrap_up; completed or transferred ones leave the desk. */
  phase: string;
  phaseSince: number;
  startedAt: number;
  attributes: Record<string, string>;
  wrapUpDeadline: number | undefined;
  visitorName: string;
  visitorTyping: boolean;
  transcript: ChatLine[];
  callConnected: boolean;
}

import type { Notice } from '../ui/notices';

export type { Notice };

export interface AgentModel {
  connection: SocketStatus;
  /** Whether the tab has told routing the agent is here (login) since the socket became ready. */
  loggedIn: boolean;
  agentId: string;
  state: string;
  reason: string;
  stateSince: number;
  offers: Offer[];
  /** What each offer said about its interaction, kept after the offer ends: its pushes may come after. */
  offered: Record<string, Offer>;
  work: Record<string, Work>;
  pops: Record<string, ScreenPop>;
  notices: Notice[];
}

export const initialModel: AgentModel = {
  connection: 'connecting',
  loggedIn: false,
  agentId: '',
  state: 'OFFLINE',
  reason: '',
  stateSince: Date.now(),
  offers: [],
  offered: {},
  work: {},
  pops: {},
  notices: [],
};

export type AgentEvent =
  | { type: 'connection'; status: SocketStatus; at: number }
  | { type: 'notice'; kind: Notice['kind']; text: string; at: number }
  | { type: 'dismiss'; id: number }
  | { type: 'server'; message: Record<string, unknown>; at: number };

export function agentReducer(model: AgentModel, event: AgentEvent): AgentModel {
  switch (event.type) {
    case 'connection':
      return { ...model, connection: event.status };
    case 'notice':
      return {
        ...model,
        notices: [
          ...model.notices.slice(-4),
          { id: Math.max(event.at, (model.notices.at(-1)?.id ?? 0) + 1), kind: event.kind, text: event.text },
        ],
      };
    case 'dismiss':
      return { ...model, notices: model.notices.filter((notice) => notice.id !== event.id) };
    case 'server':
      return serverMessage(model, event.message, event.at);
  }
}

function serverMessage(model: AgentModel, message: Record<string, unknown>, at: number): AgentModel {
  const text = (key: string) => (typeof message[key] === 'string' ? (message[key] as string) : '');
  switch (message['type']) {
    case 'ready': {
      const status = message['status'] as { state: string; reason: string; interactionIds: string[] };
      const keep = new Set(status.interactionIds);
      const work = Object.fromEntries(Object.entries(model.work).filter(([id]) => keep.has(id)));
      for (const id of status.interactionIds) work[id] ??= newWork(id, 'CHAT', '', {}, 'connected', at);
      return withState({ ...model, agentId: text('agentId'), work }, status.state, status.reason, at);
    }
    case 'logged_in':
      return withState({ ...model, loggedIn: true }, text('state'), '', at);
    case 'state':
      return withState(model, text('state'), text('reason'), at);
    case 'offer': {
      if (model.offers.some((offer) => offer.offerId === text('offerId'))) return model;
      const expires = Date.parse(text('expiresAt'));
      const offer: Offer = {
        offerId: text('offerId'),
        interactionId: text('interactionId'),
        channel: text('channel'),
        queueId: text('queueId'),
        attributes: (message['attributes'] as Record<string, string>) ?? {},
        customer: (message['customer'] as Offer['customer']) ?? { name: '', phoneNumber: '', email: '' },
        receivedAt: at,
        expiresAt: Number.isFinite(expires) ? expires : at + Number(message['timeoutMs'] ?? 20_000),
      };
      return {
        ...model,
        offers: [...model.offers, offer],
        offered: { ...model.offered, [offer.interactionId]: offer },
      };
    }
    case 'offer_ended':
    case 'rejected':
      return { ...model, offers: model.offers.filter((offer) => offer.offerId !== text('offerId')) };
    case 'accepted': {
      const offer = model.offered[text('interactionId')];
      const id = text('interactionId');
      const offers = model.offers.filter((each) => each.offerId !== text('offerId'));
      const existing = model.work[id];
      const work = existing ?? newWork(id, offer?.channel ?? 'VOICE', offer?.queueId ?? '', offer?.attributes, '', at);
      return { ...model, offers, work: { ...model.work, [id]: { ...work, phase: work.phase || 'connected' } } };
    }
    case 'screen_pop': {
      const pop = message as unknown as ScreenPop & { interactionId: string };
      return {
        ...model,
        pops: {
          ...model.pops,
          [pop.interactionId]: { customer: pop.customer, attributes: pop.attributes, recent: pop.recent },
        },
      };
    }
    case 'interaction':
      return interactionPhase(model, text('interactionId'), text('phase'), text('wrapUpDeadline'), at);
    case 'call_connected':
      return patchWork(model, text('interactionId'), { callConnected: true });
    case 'chat_transcript': {
      const lines = (message['transcript'] as Record<string, unknown>[]).reduce<ChatLine[]>(applyChatEntry, []);
      return patchWork(model, text('interactionId'), { transcript: lines, visitorName: text('visitorName') });
    }
    case 'chat_entry': {
      const entry = message['entry'] as Record<string, unknown>;
      const work = model.work[text('interactionId')];
      if (!work) return model;
      if (entry['kind'] === 'typing')
        return entry['from'] === 'visitor'
          ? patchWork(model, work.interactionId, { visitorTyping: Boolean(entry['on']) })
          : model;
      const transcript = applyChatEntry(work.transcript, entry);
      const typing = entry['kind'] === 'message' && entry['from'] === 'visitor' ? false : work.visitorTyping;
      return patchWork(model, work.interactionId, { transcript, visitorTyping: typing });
    }
    case 'error':
      return agentReducer(model, { type: 'notice', kind: 'error', text: text('message') || text('code'), at });
    default:
      return model;
  }
}

function withState(model: AgentModel, state: string, reason: string, at: number): AgentModel {
  if (model.state === state && model.reason === reason) return model;
  return { ...model, state, reason, stateSince: at };
}

function newWork(
  interactionId: string,
  channel: Channel,
  queueId: string,
  attributes: Record<string, string> | undefined,
  phase: string,
  at: number,
): Work {
  return {
    interactionId,
    channel,
    queueId,
    phase,
    phaseSince: at,
    startedAt: at,
    attributes: attributes ?? {},
    wrapUpDeadline: undefined,
    visitorName: '',
    visitorTyping: false,
    transcript: [],
    callConnected: false,
  };
}

function interactionPhase(model: AgentModel, id: string, phase: string, deadline: string, at: number): AgentModel {
  if (phase === 'completed' || phase === 'transferred') {
    const { [id]: _gone, ...work } = model.work;
    const { [id]: _pop, ...pops } = model.pops;
    const { [id]: _offer, ...offered } = model.offered;
    return { ...model, work, pops, offered };
  }
  // The interaction's first push may overtake the reply to the accept: take what the offer said about it.
  const offer = model.offered[id];
  const existing =
    model.work[id] ?? newWork(id, offer?.channel ?? 'VOICE', offer?.queueId ?? '', offer?.attributes, phase, at);
  const shown = phase === 'resumed' ? 'connected' : phase;
  const wrapUpDeadline = Date.parse(deadline);
  return patchWork({ ...model, work: { ...model.work, [id]: existing } }, id, {
    phase: shown,
    phaseSince: existing.phase === shown ? existing.phaseSince : at,
    ...(Number.isFinite(wrapUpDeadline) ? { wrapUpDeadline } : {}),
  });
}

function patchWork(model: AgentModel, id: string, patch: Partial<Work>): AgentModel {
  const work = model.work[id];
  if (!work) return model;
  return { ...model, work: { ...model.work, [id]: { ...work, ...patch } } };
}

/** Folds one stored chat entry into the transcript: messages once each (by id), receipts onto their message. */
export function applyChatEntry(lines: ChatLine[], entry: Record<string, unknown>): ChatLine[] {
  const id = String(entry['id'] ?? '');
  if (entry['kind'] === 'message') {
    if (lines.some((line) => line.id === id)) return lines;
    const from = entry['from'] as ChatLine['from'];
    return [
      ...lines,
      {
        id,
        from,
        senderName: String(entry['senderName'] ?? ''),
        text: String(entry['text'] ?? ''),
        sentAt: String(entry['sentAt'] ?? ''),
        ...(from === 'agent' ? { status: 'sent' as const } : {}),
      },
    ];
  }
  if (entry['kind'] === 'receipt') {
    const status = entry['status'] === 'read' ? 'read' : 'delivered';
    return lines.map((line) =>
      line.id === entry['messageId'] && line.from === 'agent' && line.status !== 'read' ? { ...line, status } : line,
    );
  }
  if (entry['kind'] === 'status' && entry['state'] === 'ended' && !lines.some((line) => line.id === id)) {
    const ended: ChatLine = { id, from: 'system', senderName: '', text: 'The conversation has ended.', sentAt: '' };
    return [...lines, ended];
  }
  return lines;
}
