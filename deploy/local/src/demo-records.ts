// What `pnpm start` seeds so a newcomer can log in and take a call at once: the records themselves, no I/O.
// They match the embedded OpenID provider's demo users (services/api/src/oidc/realm.ts: anna the agent, marek the
// supervisor, admin; all at site `waw`). Ids are constants so every run finds the records an earlier run made.
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Agent, type NotReadyReason } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Queue, RoutingStrategy, type WrapUpCode } from '@parley/protos/parley/common/v1/queue';

/** The demo users' site; the runner's default PARLEY_SITE, since supervisors act only on their own site's API. */
export const DEMO_SITE = 'waw';

/** The number the demo flow answers (any other dialled number reaches it too, see DEMO_FLOW_ID). */
export const DEMO_DID = '+48221234567';

/**
 * Without SIP_TRUNKS the gateway runs the flow with this id for every call, whatever number was dialled
 * (answering-endpoint.ts, `describeCall`); a trunk's DIDs can name it too.
 */
export const DEMO_FLOW_ID = 'answer';

/** Who the runner's writes are recorded as (flow versions, cancelled calls). */
export const RUNNER_ACTOR = { kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'local-runner', displayName: 'Local runner' };

export const DEMO_LOGIN = { username: 'anna', password: 'anna-demo-pass' } as const;

export const SUPPORT_QUEUE_ID = 'support';
/** The API's default chat queue (API_CHAT_QUEUES): the chat widget starts chats in it. */
export const CHAT_QUEUE_ID = 'chat';

export const notReadyReasons: readonly NotReadyReason[] = [
  { code: 'break', displayName: 'Break', system: false, productive: false },
  { code: 'lunch', displayName: 'Lunch', system: false, productive: false },
  { code: 'training', displayName: 'Training', system: false, productive: true },
  { code: 'meeting', displayName: 'Meeting', system: false, productive: false },
];

export interface DemoWrapUpCode {
  /** The name this file and the runner's output use; routing knows the code by its id. */
  readonly name: string;
  readonly code: WrapUpCode;
}

// ULIDs chosen once; never change them, or re-runs on an old data folder would add a second set.
export const wrapUpCodes: readonly DemoWrapUpCode[] = [
  {
    name: 'resolved',
    code: { id: '01M94QVEX9Y873297ZYCV04GBH', displayName: 'Resolved', category: 'support', active: true },
  },
  {
    name: 'follow_up',
    code: { id: '01M94QVF3HN2W80R20F5HZ23KA', displayName: 'Follow-up needed', category: 'support', active: true },
  },
  {
    name: 'escalated',
    code: { id: '01M94QVF9QTYY64XZV83GWRGEY', displayName: 'Escalated', category: 'support', active: true },
  },
  {
    name: 'wrong_number',
    code: { id: '01M94QVFEVR0TXTQ0EJQW6ES1C', displayName: 'Wrong number', category: 'other', active: true },
  },
];

const wrapUp = {
  timeoutMs: 30_000,
  codeRequired: false,
  wrapUpCodeIds: wrapUpCodes.map(({ code }) => code.id),
  autoAvailable: true,
};

export const queues: readonly Queue[] = [
  Queue.fromPartial({
    id: SUPPORT_QUEUE_ID,
    displayName: 'Support',
    channels: [Channel.CHANNEL_VOICE],
    siteIds: [DEMO_SITE],
    priority: 50,
    serviceLevel: { percent: 80, thresholdMs: 20_000 },
    strategy: RoutingStrategy.ROUTING_STRATEGY_LONGEST_IDLE,
    wrapUp,
    offerTimeouts: [{ channel: Channel.CHANNEL_VOICE, timeoutMs: 20_000 }],
    announcements: { musicOnHold: 'hold-music', announcePosition: true, intervalMs: 30_000 },
  }),
  Queue.fromPartial({
    id: CHAT_QUEUE_ID,
    displayName: 'Web chat',
    channels: [Channel.CHANNEL_CHAT],
    siteIds: [DEMO_SITE],
    priority: 40,
    serviceLevel: { percent: 80, thresholdMs: 60_000 },
    strategy: RoutingStrategy.ROUTING_STRATEGY_LONGEST_IDLE,
    wrapUp,
    offerTimeouts: [{ channel: Channel.CHANNEL_CHAT, timeoutMs: 30_000 }],
  }),
];

export interface DemoAgent {
  readonly agent: Agent;
  /**
   * Agents nobody logs in as (they exist only in routing) are logged in NOT_READY with this reason, so the
   * supervisor's wallboard shows some life; NOT_READY agents are never offered work, so calls still reach anna.
   */
  readonly parkedIn?: { readonly reasonCode: string; readonly sessionId: string };
}

const voice = (maxConcurrent: number) => ({ channel: Channel.CHANNEL_VOICE, maxConcurrent, blocksChannels: [] });
const chat = (maxConcurrent: number) => ({ channel: Channel.CHANNEL_CHAT, maxConcurrent, blocksChannels: [] });

export const agents: readonly DemoAgent[] = [
  {
    // The agent id is the OIDC preferred_username (the API's principal), the subject the embedded provider's `sub`.
    agent: Agent.fromPartial({
      id: 'anna',
      displayName: 'Anna Nowak',
      loginSubject: 'anna',
      siteId: DEMO_SITE,
      teamIds: ['waw-support'],
      skills: [
        { name: 'support', level: 7 },
        { name: 'billing', level: 4 },
        { name: 'english', level: 8 },
        { name: 'polish', level: 10 },
      ],
      capacities: [voice(1), chat(3)],
    }),
  },
  {
    agent: Agent.fromPartial({
      id: 'piotr',
      displayName: 'Piotr Zieliński',
      siteId: DEMO_SITE,
      teamIds: ['waw-support'],
      skills: [
        { name: 'support', level: 5 },
        { name: 'polish', level: 10 },
      ],
      capacities: [voice(1)],
    }),
    parkedIn: { reasonCode: 'lunch', sessionId: '01M94QVFMWW2VK3NG15WBJV1A2' },
  },
  {
    agent: Agent.fromPartial({
      id: 'ewa',
      displayName: 'Ewa Kowalczyk',
      siteId: DEMO_SITE,
      teamIds: ['waw-support'],
      skills: [
        { name: 'billing', level: 6 },
        { name: 'english', level: 9 },
      ],
      capacities: [chat(3)],
    }),
    parkedIn: { reasonCode: 'training', sessionId: '01M94QVFT8M2SNT5X30ZKXRRW7' },
  },
];

/**
 * The IVR: a welcome, then the bundled main menu ("For sales, press 1. For support, press 2. To speak to an
 * operator, press 0." — prompts/en/manifest.json has no support-only menu). Every choice lands in the one demo
 * queue with the choice as the `intent` attribute; a wrong key or silence repeats the menu once (the gateway plays
 * "invalid" / "no-input"), then queues the call anyway. Waiting callers hear the hold music and, every 30 s, their
 * position. No callback offer: calling back needs an outbound trunk, which the local stack has not.
 */
export const demoFlow = {
  id: DEMO_FLOW_ID,
  displayName: 'Demo: welcome, menu, support queue',
  document: {
    schemaVersion: 1,
    start: 'welcome',
    nodes: {
      welcome: { type: 'play', prompt: 'welcome', next: 'menu' },
      menu: {
        type: 'menu',
        prompt: 'main-menu',
        options: { '1': 'sales', '2': 'support', '0': 'operator' },
        timeoutMs: 5_000,
        retries: 1,
        fallback: 'queue',
      },
      sales: { type: 'setAttributes', set: { intent: 'sales' }, next: 'queue' },
      support: { type: 'setAttributes', set: { intent: 'support' }, next: 'queue' },
      operator: { type: 'setAttributes', set: { intent: 'operator' }, next: 'queue' },
      queue: { type: 'enqueue', queue: SUPPORT_QUEUE_ID, announceEverySeconds: 30 },
    },
  },
} as const;
