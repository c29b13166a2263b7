// Random routing histories for the snapshot tests: a small contact center driven through the state machine with real
// contract requests, a snapshot taken part-way, and the rest of the history applied to the original and to a machine
// restored from the snapshot, checking that both answer, publish and read the same.
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentDevice, AgentState } from '@parley/protos/parley/common/v1/agent';
import type { Channel } from '@parley/protos/parley/common/v1/channel';
import { RoutingCatalogSnapshot, RoutingStateSnapshot } from '@parley/protos/parley/routing/v1/state_snapshot';
import {
  AcceptOfferRequest,
  CancelInteractionRequest,
  CompleteWrapUpRequest,
  ConvertToCallbackRequest,
  DeleteAgentRequest,
  DeleteQueueRequest,
  EndInteractionRequest,
  EnqueueInteractionRequest,
  GetAgentSnapshotRequest,
  GetInteractionPositionRequest,
  GetQueueSnapshotRequest,
  ListAgentsRequest,
  ListQueuesRequest,
  ListWrapUpCodesRequest,
  LoginAgentRequest,
  LogoutAgentRequest,
  RejectOfferRequest,
  SetAgentStateRequest,
  TransferInteractionRequest,
  UpdateInteractionAttributesRequest,
  UpsertNotReadyReasonRequest,
  UpsertWrapUpCodeRequest,
} from '@parley/protos/parley/routing/v1/routing';
import {
  advanceMethod,
  decideMethod,
  reconcileMethod,
  RoutingStateMachine,
} from '../../src/adapters/routing-state-machine.js';
import type { HookDecision } from '../../src/domain/decisions.js';
import type { EngineState } from '../../src/domain/engine-snapshot.js';
import { agentRequest, agents, queueChannels, queueRequests, queues, setUp, t0, type Step } from './snapshot-center.js';

/** A snapshot with its engine part parsed: what the tests compare and what a corruption changes. */
export interface DecodedSnapshot {
  version: number;
  time: number;
  offersIssued: number;
  engine: EngineState;
  catalog: RoutingCatalogSnapshot;
}

export function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot {
  const { engineJson, catalog, ...rest } = RoutingStateSnapshot.decode(gunzipSync(bytes));
  return {
    ...rest,
    engine: JSON.parse(Buffer.from(engineJson).toString()) as EngineState,
    catalog: catalog ?? RoutingCatalogSnapshot.fromPartial({}),
  };
}

export function encodeSnapshot({ engine, ...rest }: DecodedSnapshot): Uint8Array {
  return gzipSync(RoutingStateSnapshot.encode({ ...rest, engineJson: Buffer.from(JSON.stringify(engine)) }).finish());
}

/** What to do, resolved against the original machine's state at that moment (so both get the same request). */
export type Action = { kind: string; a: number; b: number; c: number; gapMs: number };

const kinds = [
  ...['enqueue', 'enqueue', 'enqueue', 'enqueue', 'accept', 'accept', 'reject', 'decide', 'decide', 'end', 'wrapUp'],
  ...['cancel', 'transfer', 'transfer', 'callback', 'state', 'logout', 'login', 'agent', 'queue', 'queue', 'advance'],
  ...['reconcile', 'attributes', 'reason', 'code', 'deleteAgent', 'deleteQueue'],
];

// Unbiased numbers: fast-check otherwise favours small ones, and most histories would pick the same records.
const choice = fc.noBias(fc.nat(1_000));

export const action: fc.Arbitrary<Action> = fc.record({
  kind: fc.constantFrom(...kinds),
  a: choice,
  b: choice,
  c: choice,
  gapMs: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 3_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 40_000 }) },
  ),
});

/** A history and where in it (per cent of its length) the snapshot is taken. */
export const history = fc.tuple(
  fc.array(action, { minLength: 10, maxLength: 80 }),
  fc.noBias(fc.integer({ min: 0, max: 100 })),
);

function resolve(machine: RoutingStateMachine, act: Action, ids: { enqueued: number }): Step {
  const pick = <T>(items: T[], n: number): T | undefined => items[n % Math.max(1, items.length)];
  const offers = [...machine.engine.offers.values()];
  const interactions = [...machine.engine.interactions.values()];
  const inPhase = (...phases: string[]) => interactions.filter((i) => phases.includes(i.phase));
  const agentId = agents[act.a % agents.length] as string;
  const queueId = queues[act.c % queues.length] as string;
  const step = (method: string, request: unknown): Step => ({ method, request, gapMs: act.gapMs });
  switch (act.kind) {
    case 'enqueue': {
      const served = queueChannels[queueId] ?? [];
      const channel = served[act.b % served.length] as Channel;
      const attributes: Record<string, string> = { lang: act.c % 3 ? 'pl' : 'en' };
      if (act.c % 4 === 0) attributes.last_agent_id = agentId;
      const interaction = {
        id: `i${++ids.enqueued}`,
        channel,
        siteId: 'waw',
        queueId,
        priority: act.b % 3,
        attributes,
      };
      return step('enqueueInteraction', EnqueueInteractionRequest.fromPartial({ interaction }));
    }
    case 'accept':
    case 'reject': {
      const offer = pick(offers, act.a);
      if (!offer) return step(advanceMethod, undefined);
      const request = { offerId: offer.id, agentId: offer.agent.id };
      return act.kind === 'accept'
        ? step('acceptOffer', AcceptOfferRequest.fromPartial(request))
        : step('rejectOffer', RejectOfferRequest.fromPartial(request));
    }
    case 'decide': {
      const interaction = pick(inPhase('deciding'), act.a);
      if (!interaction) return step(advanceMethod, undefined);
      // The hook's order: the candidates rotated, some dropped, now and then a stranger, a failure or a stale round.
      const candidates = interaction.candidateAgentIds;
      const turn = act.b % Math.max(1, candidates.length);
      const rotated = [...candidates.slice(turn), ...candidates.slice(0, turn)];
      const order = rotated.slice(act.c % 2).concat(act.c % 5 === 0 ? [agentId] : []);
      const decision: HookDecision = {
        interactionId: interaction.id,
        round: interaction.decisionRound - (act.c % 7 === 0 ? 1 : 0),
        agentIds: act.c % 6 === 1 ? [] : order,
        failure: act.c % 6 === 1 ? 'timeout' : undefined,
      };
      return step(decideMethod, decision);
    }
    case 'end':
      return step(
        'endInteraction',
        EndInteractionRequest.fromPartial({ interactionId: pick(inPhase('connected'), act.a)?.id ?? 'none' }),
      );
    case 'wrapUp': {
      const interaction = pick(inPhase('wrap_up'), act.a);
      const request = { interactionId: interaction?.id ?? 'none', agentId: interaction?.agentId ?? '' };
      return step('completeWrapUp', CompleteWrapUpRequest.fromPartial(request));
    }
    case 'cancel': {
      const interaction = pick(inPhase('waiting', 'deciding', 'offered'), act.a);
      return step(
        'cancelInteraction',
        CancelInteractionRequest.fromPartial({ interactionId: interaction?.id ?? 'none' }),
      );
    }
    case 'transfer': {
      const interaction = pick(interactions, act.a);
      const target = act.b % 2 ? { queueId } : { agentId };
      const request = { interactionId: interaction?.id ?? 'none', target, priorityBoost: act.c % 2 };
      return step('transferInteraction', TransferInteractionRequest.fromPartial(request));
    }
    case 'callback': {
      const interaction = pick(inPhase('waiting', 'deciding'), act.a);
      const request = { interactionId: interaction?.id ?? 'none', phoneNumber: '+48221234567' };
      return step('convertToCallback', ConvertToCallbackRequest.fromPartial(request));
    }
    case 'attributes': {
      const interaction = pick(interactions, act.a);
      const request = { interactionId: interaction?.id ?? 'none', set: { note: `n${act.b % 3}` }, remove: [] };
      return step('updateInteractionAttributes', UpdateInteractionAttributesRequest.fromPartial(request));
    }
    case 'state':
      return step(
        'setAgentState',
        SetAgentStateRequest.fromPartial({
          agentId,
          state: act.b % 2 ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
          notReadyReasonCode: act.c % 2 ? 'lunch' : '',
          actor: { kind: ActorKind.ACTOR_KIND_SUPERVISOR, id: 'sup' },
        }),
      );
    case 'reason':
      return step(
        'upsertNotReadyReason',
        UpsertNotReadyReasonRequest.fromPartial({ reason: { code: 'lunch', displayName: `Lunch ${act.b % 3}` } }),
      );
    case 'code': {
      const wrapUpCode = { id: act.b % 2 ? 'sold' : 'lost', displayName: `Code ${act.c % 3}`, active: act.c % 2 === 0 };
      return step('upsertWrapUpCode', UpsertWrapUpCodeRequest.fromPartial({ wrapUpCode }));
    }
    case 'logout':
      return step('logoutAgent', LogoutAgentRequest.fromPartial({ agentId, force: act.b % 2 === 0 }));
    case 'login':
      return step(
        'loginAgent',
        LoginAgentRequest.fromPartial({
          agentId,
          sessionId: `s${act.b % 2}`,
          device: act.c % 2 ? AgentDevice.AGENT_DEVICE_SIP_PHONE : AgentDevice.AGENT_DEVICE_BROWSER,
          initialState: act.c % 3 ? AgentState.AGENT_STATE_AVAILABLE : AgentState.AGENT_STATE_NOT_READY,
          takeOver: true,
        }),
      );
    case 'agent':
      return step('upsertAgent', agentRequest(act.a % agents.length, act.b % 3));
    case 'queue':
      return step('upsertQueue', queueRequests(act.b % 2)[act.a % queues.length]);
    case 'deleteAgent':
      return step('deleteAgent', DeleteAgentRequest.fromPartial({ agentId }));
    case 'deleteQueue':
      return step('deleteQueue', DeleteQueueRequest.fromPartial({ queueId }));
    case 'reconcile':
      return step(reconcileMethod, undefined);
    default:
      return step(advanceMethod, undefined);
  }
}

/** What one call did: its answer (or error) and the events it published. Each machine gets its own request copy. */
async function outcome(machine: RoutingStateMachine, step: Step, at: number) {
  const result = await machine.apply(step.method, structuredClone(step.request), at).then(
    (value) => ({ value: JSON.parse(JSON.stringify(value ?? null)) as unknown }),
    (error: { code?: string; message?: string }) => ({ error: `${error.code}: ${error.message}` }),
  );
  return { result, events: machine.engine.drainEvents() };
}

/** Every read view, as the original sees the state (positions of each interaction it holds). */
function reads(original: RoutingStateMachine): Step[] {
  const read = (method: string, request: unknown): Step => ({ method, request, gapMs: 0 });
  return [
    read('listAgents', ListAgentsRequest.fromPartial({})),
    read('listQueues', ListQueuesRequest.fromPartial({})),
    read('listWrapUpCodes', ListWrapUpCodesRequest.fromPartial({ includeInactive: true })),
    read('listNotReadyReasons', {}),
    read('getAgentSnapshot', GetAgentSnapshotRequest.fromPartial({ siteId: 'waw' })),
    ...queues.flatMap((queueId) => [
      read('getQueueSnapshot', GetQueueSnapshotRequest.fromPartial({ queueId })),
      read('getAgentSnapshot', GetAgentSnapshotRequest.fromPartial({ queueId })),
    ]),
    ...[...original.engine.interactions.keys()].map((interactionId) =>
      read('getInteractionPosition', GetInteractionPositionRequest.fromPartial({ interactionId })),
    ),
  ];
}

async function expectSameReads(restored: RoutingStateMachine, original: RoutingStateMachine, at: number) {
  for (const step of reads(original))
    expect(await outcome(restored, step, at), step.method).toEqual(await outcome(original, step, at));
}

export interface RestoreCheck {
  /** Changes the snapshot between taking and restoring it: a stand-in for a field the snapshot forgot. */
  corrupt?: (snapshot: DecodedSnapshot) => void;
  /** Also compare the two machines' own snapshots (off: only answers, events and read views count). */
  compareSnapshots: boolean;
}

/**
 * Runs the history, snapshots the original `cutAt` per cent of the way through, restores, then applies the
 * rest to both, expecting the same answers and events for every call and the same read views after the restore and
 * at the end.
 */
export async function expectRestoredToMatch(actions: Action[], cutAt: number, check: RestoreCheck): Promise<void> {
  const ids = { enqueued: 0 };
  const original = new RoutingStateMachine('waw');
  let now = t0;
  for (const step of setUp) await outcome(original, step, (now += step.gapMs));
  const cut = Math.round((actions.length * cutAt) / 100);
  for (const act of actions.slice(0, cut)) {
    const step = resolve(original, act, ids);
    await outcome(original, step, (now += step.gapMs));
  }
  let bytes = original.snapshot();
  if (check.corrupt) {
    const snapshot = decodeSnapshot(bytes);
    check.corrupt(snapshot);
    bytes = encodeSnapshot(snapshot);
  }
  const restored = RoutingStateMachine.restore('waw', bytes);
  if (check.compareSnapshots) expect(decodeSnapshot(restored.snapshot())).toEqual(decodeSnapshot(original.snapshot()));
  await expectSameReads(restored, original, now);
  for (const act of actions.slice(cut)) {
    const step = resolve(original, act, ids);
    now += step.gapMs;
    const expected = await outcome(original, step, now);
    expect(await outcome(restored, step, now), `${step.method} at +${now - t0} ms`).toEqual(expected);
  }
  // Far enough ahead for every pending timer (max wait, cool-downs, wrap-ups) to fire on both.
  now += 120_000;
  expect(await outcome(restored, { method: advanceMethod, request: undefined, gapMs: 0 }, now)).toEqual(
    await outcome(original, { method: advanceMethod, request: undefined, gapMs: 0 }, now),
  );
  await expectSameReads(restored, original, now);
  if (!check.compareSnapshots) return;
  expect(decodeSnapshot(restored.snapshot())).toEqual(decodeSnapshot(original.snapshot()));
  expect(restored.snapshot()).toEqual(original.snapshot());
}
