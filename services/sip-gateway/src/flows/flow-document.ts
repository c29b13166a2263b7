// The IVR flow document (PutFlow's `document_json`): a start node and nodes by id, each of one type, linked by node
// ids. The schema says what each node holds; validate-flow.ts adds what a schema cannot (links that lead nowhere,
// nodes nothing leads to). Prompts are names of audio files shipped with the service or uploaded (see README).
import { z } from 'zod';

const nodeId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a node id (a letter, then letters, digits, _ or -)');
const prompt = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a prompt name (lower-case letters, digits, _ or -)');
const digit = z.string().regex(/^[0-9*#]$/, 'must be one key: 0-9, * or #');
const timeoutMs = z.number().int().min(500).max(60_000);

const play = z.strictObject({ type: z.literal('play'), prompt, next: nodeId });

const menu = z.strictObject({
  type: z.literal('menu'),
  prompt,
  /** Key pressed → node. */
  options: z.record(digit, nodeId).refine((options) => Object.keys(options).length > 0, 'needs at least one option'),
  timeoutMs: timeoutMs.default(5_000),
  /** Times the menu is played again after no input or a wrong key before `fallback`. */
  retries: z.number().int().min(0).max(5).default(2),
  fallback: nodeId,
});

const collectDigits = z
  .strictObject({
    type: z.literal('collectDigits'),
    prompt,
    minDigits: z.number().int().min(1).max(32),
    maxDigits: z.number().int().min(1).max(32),
    /** Ends the input early (RFC 4733 event or SIP INFO). */
    terminator: z.enum(['#', '*']).optional(),
    timeoutMs: timeoutMs.default(8_000),
    /** The interaction attribute the digits are stored in. */
    attribute: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be an attribute name (lower case, digits, _)'),
    next: nodeId,
    noInput: nodeId,
  })
  .refine((node) => node.minDigits <= node.maxDigits, {
    message: 'minDigits must not exceed maxDigits',
    path: ['minDigits'],
  });

const businessHours = z.strictObject({
  type: z.literal('businessHours'),
  /** The routing queue whose business hours decide (queues carry the calendars, with holidays and time zone). */
  calendar: z.string().min(1),
  open: nodeId,
  closed: nodeId,
});

const setAttributes = z.strictObject({
  type: z.literal('setAttributes'),
  set: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be an attribute name'), z.string().max(1_000)),
  next: nodeId,
});

const httpLookup = z.strictObject({
  type: z.literal('httpLookup'),
  /** {caller}, {called} and {attribute.<name>} are substituted, URL-encoded. */
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().min(100).max(10_000).default(2_000),
  /** Attribute ← dotted path into the JSON answer. */
  map: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.string().min(1)).default({}),
  next: nodeId,
  /** Taken on a timeout, a non-2xx answer or an unreadable body. */
  onError: nodeId,
});

const enqueue = z.strictObject({
  type: z.literal('enqueue'),
  queue: z.string().min(1),
  priority: z.number().int().min(0).max(100).default(0),
  /** A skills expression in routing's syntax, e.g. "skill.polish >= 3". */
  skills: z.string().max(1_000).optional(),
  /** Seconds between position / estimated-wait announcements while waiting; 0 for none. */
  announceEverySeconds: z.number().int().min(0).max(600).default(60),
  /** Offer a callback (keeping the position) after this long waiting; absent: never. */
  offerCallbackAfterSeconds: z.number().int().min(0).max(3_600).optional(),
});

const transfer = z.strictObject({
  type: z.literal('transfer'),
  /** E.164. */
  number: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number'),
});

const voicemail = z.strictObject({
  type: z.literal('voicemail'),
  prompt,
  maxSeconds: z.number().int().min(5).max(600).default(120),
  /** The message becomes an interaction in this queue. */
  queue: z.string().min(1),
});

const offerCallback = z.strictObject({
  type: z.literal('offerCallback'),
  prompt,
  queue: z.string().min(1),
  acceptKey: digit.default('1'),
  accepted: nodeId,
  declined: nodeId,
});

const hangUp = z.strictObject({ type: z.literal('hangUp'), prompt: prompt.optional() });

export const flowNode = z.discriminatedUnion('type', [
  play,
  menu,
  collectDigits,
  businessHours,
  setAttributes,
  httpLookup,
  enqueue,
  transfer,
  voicemail,
  offerCallback,
  hangUp,
]);

export const flowDocument = z.strictObject({
  schemaVersion: z.literal(1),
  start: nodeId,
  nodes: z.record(nodeId, flowNode).refine((nodes) => Object.keys(nodes).length > 0, 'needs at least one node'),
});

export type FlowNode = z.output<typeof flowNode>;
export type FlowDocument = z.output<typeof flowDocument>;
