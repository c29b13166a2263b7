// Runs a validated flow document for one call, node by node, until it hands the call on (enqueue), ends it
// (hangUp), or the caller leaves. Audio and keys come through FlowAudio (media for real calls) and questions for
// other services (is a queue open, turn the call into a callback) through FlowServices, so the runner is only the
// IVR's logic: menus with retries, digit collection with terminator and timeouts, attributes, branches. A run ends
// by handing the call on (enqueue, transfer to a number), ending it (hangUp) or the caller leaving. Nodes whose
// service is missing (no FlowServices given, or voicemail, not built yet) end the run with `unsupported`, naming
// the node, rather than guessing.
import type { FlowDocument, FlowNode } from './flow-document.js';
import { httpLookup } from './http-lookup.js';

export interface PlayOutcome {
  /** A key press stopped the prompt (stopOnDtmf); the key itself is in the digit queue. */
  interrupted: boolean;
}

export interface FlowAudio {
  /** Plays prompts (names of bundled prompts) in order; resolves when they end or a key interrupts them. */
  play(prompts: string[], options: { stopOnDtmf: boolean }): Promise<PlayOutcome>;
  /** The next key the caller pressed, waiting up to `timeoutMs`; undefined on timeout or hang-up. */
  nextDigit(timeoutMs: number): Promise<string | undefined>;
  /** Forgets keys pressed before now (a menu listens from its own prompt on). */
  clearDigits(): void;
  /** The caller hung up. */
  readonly ended: boolean;
}

export interface FlowServices {
  /** Whether routing's queue is open now by its business hours. */
  isQueueOpen(queueId: string): Promise<boolean>;
  /**
   * Whether the caller can be called back (a number in E.164: a withheld or SIP-only caller cannot), asked before
   * offering it.
   */
  canCallBack(): boolean;
  /** Queues the call in `queueId` and turns it into a callback to the caller; resolves when routing holds it. */
  requestCallback(queueId: string, run: FlowRun): Promise<void>;
}

export type FlowOutcome =
  | { kind: 'enqueue'; nodeId: string; node: Extract<FlowNode, { type: 'enqueue' }> }
  | { kind: 'hangUp'; nodeId: string }
  /** Hand the call blind to an external number (after the "transferring" prompt). */
  | { kind: 'transfer'; nodeId: string; number: string }
  | { kind: 'callerLeft'; nodeId: string }
  | { kind: 'unsupported'; nodeId: string; type: FlowNode['type'] }
  /** The flow kept moving without waiting for the caller (a loop of nodes that take no time). */
  | { kind: 'tooManySteps'; nodeId: string };

export interface FlowRun {
  /** The caller's number and the dialled one, for httpLookup URLs. */
  caller?: string;
  called?: string;
  attributes: Record<string, string>;
  /** Node ids in the order they ran, for events and troubleshooting. */
  path: string[];
  /** Set when the caller accepted a callback in this queue: the call is then routing's to return, not abandoned. */
  callbackQueue?: string;
}

/** How long an offer of a call back waits for the accept key after its prompt. */
const OFFER_TIMEOUT_MS = 6_000;

/** A flow moves a few nodes per caller action; thousands of steps means a loop that never waits. */
const MAX_STEPS = 1_000;

export interface RunFlowOptions {
  services?: FlowServices | undefined;
  /** Told as each node starts (events, troubleshooting). */
  onNode?: (nodeId: string, node: FlowNode) => void;
}

export async function runFlow(
  document: FlowDocument,
  audio: FlowAudio,
  run: FlowRun,
  { services, onNode }: RunFlowOptions = {},
): Promise<FlowOutcome> {
  let nodeId = document.start;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    if (audio.ended) return { kind: 'callerLeft', nodeId };
    const node = document.nodes[nodeId];
    if (!node) throw new Error(`flow has no node "${nodeId}" (validate flows before running them)`);
    run.path.push(nodeId);
    onNode?.(nodeId, node);
    const next = await runNode(node, audio, run, services);
    if (typeof next !== 'string') return { ...next, nodeId } as FlowOutcome;
    nodeId = next;
  }
  return { kind: 'tooManySteps', nodeId };
}

type NodeResult =
  | string
  | { kind: 'enqueue'; node: Extract<FlowNode, { type: 'enqueue' }> }
  | { kind: 'hangUp' }
  | { kind: 'transfer'; number: string }
  | { kind: 'unsupported'; type: FlowNode['type'] };

async function runNode(
  node: FlowNode,
  audio: FlowAudio,
  run: FlowRun,
  services: FlowServices | undefined,
): Promise<NodeResult> {
  switch (node.type) {
    case 'play':
      await audio.play([node.prompt], { stopOnDtmf: false });
      return node.next;
    case 'menu':
      return menu(node, audio);
    case 'collectDigits':
      return collectDigits(node, audio, run);
    case 'setAttributes':
      Object.assign(run.attributes, node.set);
      return node.next;
    case 'hangUp':
      if (node.prompt) await audio.play([node.prompt], { stopOnDtmf: false });
      return { kind: 'hangUp' };
    case 'businessHours':
      if (!services) return { kind: 'unsupported', type: node.type };
      return (await queueOpen(services, node.calendar)) ? node.open : node.closed;
    case 'offerCallback':
      if (!services) return { kind: 'unsupported', type: node.type };
      return offerCallback(node, audio, run, services);
    case 'enqueue':
      return { kind: 'enqueue', node };
    case 'transfer':
      return { kind: 'transfer', number: node.number };
    case 'httpLookup':
      try {
        Object.assign(
          run.attributes,
          await httpLookup(node, { caller: run.caller ?? '', called: run.called ?? '', attributes: run.attributes }),
        );
        return node.next;
      } catch {
        return node.onError;
      }
    default:
      return { kind: 'unsupported', type: node.type };
  }
}

/**
 * A failed look-up counts as open: the caller goes on towards the queue, where routing checks the hours again and
 * applies the queue's own closed rule, rather than hearing "we are closed" while agents wait.
 */
async function queueOpen(services: FlowServices, queueId: string): Promise<boolean> {
  try {
    return await services.isQueueOpen(queueId);
  } catch {
    return true;
  }
}

/**
 * Offers a call back instead of waiting (only to callers who can be called back). The accept key turns the call
 * into a callback in the queue; any other key, silence or a refusal by routing takes `declined`.
 */
async function offerCallback(
  node: Extract<FlowNode, { type: 'offerCallback' }>,
  audio: FlowAudio,
  run: FlowRun,
  services: FlowServices,
): Promise<string> {
  if (!services.canCallBack()) return node.declined;
  audio.clearDigits();
  await audio.play([node.prompt], { stopOnDtmf: true });
  const key = await audio.nextDigit(OFFER_TIMEOUT_MS);
  if (key !== node.acceptKey || audio.ended) return node.declined;
  try {
    await services.requestCallback(node.queue, run);
  } catch {
    return node.declined;
  }
  run.callbackQueue = node.queue;
  return node.accepted;
}

/** Plays the menu, takes one key; a wrong key or none replays it (after "invalid" / "no input") up to `retries`. */
async function menu(node: Extract<FlowNode, { type: 'menu' }>, audio: FlowAudio): Promise<string> {
  for (let attempt = 0; attempt <= node.retries; attempt += 1) {
    audio.clearDigits();
    await audio.play([node.prompt], { stopOnDtmf: true });
    const key = await audio.nextDigit(node.timeoutMs);
    if (audio.ended) return node.fallback;
    const chosen = key === undefined ? undefined : node.options[key];
    if (chosen) return chosen;
    if (attempt < node.retries) await audio.play([key === undefined ? 'no-input' : 'invalid'], { stopOnDtmf: true });
  }
  return node.fallback;
}

/** Keys until maxDigits, the terminator, or `timeoutMs` of silence; fewer than minDigits goes to `noInput`. */
async function collectDigits(
  node: Extract<FlowNode, { type: 'collectDigits' }>,
  audio: FlowAudio,
  run: FlowRun,
): Promise<string> {
  audio.clearDigits();
  await audio.play([node.prompt], { stopOnDtmf: true });
  let digits = '';
  while (digits.length < node.maxDigits) {
    const key = await audio.nextDigit(node.timeoutMs);
    if (key === undefined || key === node.terminator) break;
    digits += key;
  }
  if (digits.length < node.minDigits) return node.noInput;
  run.attributes[node.attribute] = digits;
  return node.next;
}
