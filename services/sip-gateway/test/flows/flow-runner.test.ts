// The IVR logic on a scripted caller: which prompts play, which keys are taken, where each node leads. The audio
// here is a script of our own FlowAudio port (prompts "play" instantly, keys arrive when the script says); the real
// media path is covered by test/service/call-flow.test.ts with sipp and the media service.
import { describe, expect, it } from 'vitest';
import { flowDocument, type FlowDocument } from '../../src/flows/flow-document.js';
import { runFlow, type FlowAudio, type FlowRun, type FlowServices } from '../../src/flows/flow-runner.js';

/** A caller who presses the scripted keys, one per nextDigit call (undefined: stays silent until the timeout). */
class ScriptedCaller implements FlowAudio {
  readonly played: string[] = [];
  ended = false;
  constructor(
    private readonly keys: (string | undefined)[],
    private readonly hangUpAfterPrompts = Infinity,
  ) {}

  async play(prompts: string[]) {
    this.played.push(...prompts);
    if (this.played.length >= this.hangUpAfterPrompts) this.ended = true;
    return { interrupted: false };
  }

  async nextDigit() {
    return this.ended ? undefined : this.keys.shift();
  }

  clearDigits() {}
}

/** Routing as a flow sees it, scripted: which queues are open, whether the caller can be called back. */
class ScriptedRouting implements FlowServices {
  readonly open = new Map<string, boolean>();
  readonly asked: string[] = [];
  readonly callbacks: string[] = [];
  callable = true;
  refuseCallbacks = false;

  async isQueueOpen(queueId: string) {
    this.asked.push(queueId);
    const open = this.open.get(queueId);
    if (open === undefined) throw new Error(`no queue ${queueId}`);
    return open;
  }

  canCallBack() {
    return this.callable;
  }

  async requestCallback(queueId: string) {
    if (this.refuseCallbacks) throw new Error('queue takes no callbacks');
    this.callbacks.push(queueId);
  }
}

const flow = (json: unknown): FlowDocument => flowDocument.parse(json);
const newRun = (): FlowRun => ({ attributes: {}, path: [] });

const support = flow({
  schemaVersion: 1,
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompt: 'welcome', next: 'menu' },
    menu: { type: 'menu', prompt: 'main-menu', options: { '1': 'sales', '2': 'account' }, retries: 1, fallback: 'bye' },
    sales: { type: 'setAttributes', set: { intent: 'sales' }, next: 'queue' },
    account: {
      type: 'collectDigits',
      prompt: 'enter-account',
      minDigits: 4,
      maxDigits: 8,
      terminator: '#',
      attribute: 'account',
      next: 'queue',
      noInput: 'bye',
    },
    queue: { type: 'enqueue', queue: 'support', priority: 5 },
    bye: { type: 'hangUp', prompt: 'goodbye' },
  },
});

const hoursFlow = flow({
  schemaVersion: 1,
  start: 'hours',
  nodes: {
    hours: { type: 'businessHours', calendar: 'support', open: 'queue', closed: 'closed' },
    queue: { type: 'enqueue', queue: 'support' },
    closed: { type: 'hangUp', prompt: 'closed' },
  },
});

const callbackFlow = flow({
  schemaVersion: 1,
  start: 'offer',
  nodes: {
    offer: { type: 'offerCallback', prompt: 'offer-callback', queue: 'support', accepted: 'thanks', declined: 'queue' },
    queue: { type: 'enqueue', queue: 'support' },
    thanks: { type: 'hangUp', prompt: 'callback-confirmed' },
  },
});

describe('runFlow', () => {
  it('follows the menu key to its branch and hands the call to a queue with what it learnt', async () => {
    const caller = new ScriptedCaller(['1']);
    const run = newRun();
    const outcome = await runFlow(support, caller, run);
    expect(outcome).toMatchObject({ kind: 'enqueue', nodeId: 'queue', node: { queue: 'support', priority: 5 } });
    expect(caller.played).toEqual(['welcome', 'main-menu']);
    expect(run.attributes).toEqual({ intent: 'sales' });
    expect(run.path).toEqual(['welcome', 'menu', 'sales', 'queue']);
  });

  it('says "invalid" after a wrong key, "no input" after silence, then takes the fallback', async () => {
    const caller = new ScriptedCaller(['9', undefined]);
    expect(await runFlow(support, caller, newRun())).toMatchObject({ kind: 'hangUp', nodeId: 'bye' });
    expect(caller.played).toEqual(['welcome', 'main-menu', 'invalid', 'main-menu', 'goodbye']);
  });

  it('collects digits up to the terminator into the attribute', async () => {
    const run = newRun();
    const outcome = await runFlow(support, new ScriptedCaller(['2', '1', '2', '3', '4', '5', '#', '9']), run);
    expect(outcome.kind).toBe('enqueue');
    expect(run.attributes).toEqual({ account: '12345' });
  });

  it('stops at maxDigits, and sends too few digits to noInput', async () => {
    const full = newRun();
    await runFlow(support, new ScriptedCaller(['2', ...'123456789']), full);
    expect(full.attributes).toEqual({ account: '12345678' });
    const short = newRun();
    expect(await runFlow(support, new ScriptedCaller(['2', '1', '2', undefined]), short)).toMatchObject({
      kind: 'hangUp',
    });
    expect(short.attributes).toEqual({});
  });

  it('ends with callerLeft when the caller hangs up during the flow', async () => {
    const caller = new ScriptedCaller([], 1);
    expect(await runFlow(support, caller, newRun())).toMatchObject({ kind: 'callerLeft' });
  });

  it('names a node it cannot run (no services given, or not built yet) instead of skipping it', async () => {
    const hours = flow({
      schemaVersion: 1,
      start: 'hours',
      nodes: {
        hours: { type: 'businessHours', calendar: 'pl', open: 'q', closed: 'q' },
        q: { type: 'enqueue', queue: 'support' },
      },
    });
    expect(await runFlow(hours, new ScriptedCaller([]), newRun())).toEqual({
      kind: 'unsupported',
      nodeId: 'hours',
      type: 'businessHours',
    });
    const voicemail = flow({
      schemaVersion: 1,
      start: 'vm',
      nodes: { vm: { type: 'voicemail', prompt: 'leave-message', queue: 'support' } },
    });
    expect(
      await runFlow(voicemail, new ScriptedCaller([]), newRun(), { services: new ScriptedRouting() }),
    ).toMatchObject({ kind: 'unsupported', type: 'voicemail' });
  });

  it('branches on the queue’s business hours, and treats a failed look-up as open (routing checks again)', async () => {
    const routing = new ScriptedRouting();
    routing.open.set('support', false);
    const closed = await runFlow(hoursFlow, new ScriptedCaller([]), newRun(), { services: routing });
    expect(closed).toMatchObject({ kind: 'hangUp', nodeId: 'closed' });
    expect(routing.asked).toEqual(['support']);
    routing.open.set('support', true);
    const open = await runFlow(hoursFlow, new ScriptedCaller([]), newRun(), { services: routing });
    expect(open).toMatchObject({ kind: 'enqueue', nodeId: 'queue' });
    routing.open.clear(); // unknown queue: the look-up throws
    const unknown = await runFlow(hoursFlow, new ScriptedCaller([]), newRun(), { services: routing });
    expect(unknown).toMatchObject({ kind: 'enqueue' });
  });

  it('turns the call into a callback on the accept key, and waits on otherwise', async () => {
    const routing = new ScriptedRouting();
    const accepting = new ScriptedCaller(['1']);
    const run = newRun();
    expect(await runFlow(callbackFlow, accepting, run, { services: routing })).toMatchObject({
      kind: 'hangUp',
      nodeId: 'thanks',
    });
    expect(routing.callbacks).toEqual(['support']);
    expect(run.callbackQueue).toBe('support');
    expect(accepting.played).toEqual(['offer-callback', 'callback-confirmed']);

    const declining = newRun();
    expect(await runFlow(callbackFlow, new ScriptedCaller(['2']), declining, { services: routing })).toMatchObject({
      kind: 'enqueue',
    });
    expect(await runFlow(callbackFlow, new ScriptedCaller([undefined]), newRun(), { services: routing })).toMatchObject(
      { kind: 'enqueue' },
    );
    expect(routing.callbacks).toEqual(['support']);
    expect(declining.callbackQueue).toBeUndefined();
  });

  it('never offers a callback to a caller it cannot call back, and waits on when routing refuses one', async () => {
    const anonymous = new ScriptedRouting();
    anonymous.callable = false;
    const caller = new ScriptedCaller(['1']);
    expect(await runFlow(callbackFlow, caller, newRun(), { services: anonymous })).toMatchObject({ kind: 'enqueue' });
    expect(caller.played).toEqual([]);

    const refusing = new ScriptedRouting();
    refusing.refuseCallbacks = true;
    const run = newRun();
    expect(await runFlow(callbackFlow, new ScriptedCaller(['1']), run, { services: refusing })).toMatchObject({
      kind: 'enqueue',
    });
    expect(run.callbackQueue).toBeUndefined();
  });

  it('stops a loop that never waits for the caller', async () => {
    const loop = flow({
      schemaVersion: 1,
      start: 'a',
      nodes: {
        a: { type: 'setAttributes', set: { x: '1' }, next: 'b' },
        b: { type: 'setAttributes', set: { y: '2' }, next: 'a' },
      },
    });
    expect(await runFlow(loop, new ScriptedCaller([]), newRun())).toMatchObject({ kind: 'tooManySteps' });
  });
});

describe('SIP_FLOWS', () => {
  it('is read from JSON, and a bad flow stops the start naming the flow and the JSON pointer', async () => {
    const { loadSipGatewayConfig } = await import('../../src/config.js');
    const good = loadSipGatewayConfig({ SIP_FLOWS: JSON.stringify({ support }) });
    expect(good.SIP_FLOWS.get('support')?.start).toBe('welcome');
    expect(loadSipGatewayConfig({}).SIP_FLOWS.size).toBe(0);
    const broken = {
      ...support,
      nodes: { ...support.nodes, welcome: { type: 'play', prompt: 'welcome', next: 'nowhere' } },
    };
    expect(() => loadSipGatewayConfig({ SIP_FLOWS: JSON.stringify({ support: broken }) })).toThrow(
      /flow support\/nodes\/welcome\/next: no node "nowhere"/,
    );
    expect(() => loadSipGatewayConfig({ SIP_FLOWS: '[]' })).toThrow(/object of flow documents/);
  });
});
