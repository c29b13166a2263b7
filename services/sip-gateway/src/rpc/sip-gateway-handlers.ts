// The parley.sipgateway.v1 contract. Flows (validate, put, get, list), ConnectAgent, HangUpCall, Hold/ResumeCall,
// TransferCall (blind to a queue, an agent or a number; consultative to a number) with Complete/CancelTransfer and
// ConferenceCall, OriginateCall for callbacks, SendDtmf, ListActiveCalls and ListRegistrations are served; outbound
// originate and consultations with agents or queues answer UNIMPLEMENTED.
import { InvalidArgumentError, ParleyError, Status, type ContractHandlers } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Direction } from '@parley/protos/parley/common/v1/channel';
import { TransferMode } from '@parley/protos/parley/common/v1/interaction';
import {
  Call,
  CallState,
  OriginateKind,
  Registration,
  SipTransport,
  type SipGatewayServiceService,
} from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { CallSessions } from '../calls/call-sessions.js';
import type { CallView } from '../calls/call-session.js';
import type { FlowStore } from '../flows/flow-store.js';
import type { Binding, RegistrationStore } from '../registrar/registration-store.js';
import { validateFlow } from '../flows/validate-flow.js';

export type SipGatewayHandlers = ContractHandlers<typeof SipGatewayServiceService>;

function notImplementedYet(method: string): ParleyError {
  return new ParleyError(
    'PARLEY_SIP_GATEWAY_UNIMPLEMENTED',
    `${method} is not implemented yet (see services/sip-gateway/README.md)`,
    {
      status: Status.UNIMPLEMENTED,
      domain: 'sip-gateway',
    },
  );
}

function requireField(value: string, field: string): string {
  if (value.length === 0 || value.length > 256) {
    throw new InvalidArgumentError('PARLEY_SIP_GATEWAY_INVALID_ARGUMENT', [{ field, description: 'is required' }], {
      domain: 'sip-gateway',
    });
  }
  return value;
}

function requireE164(value: string, field: string): string {
  if (!/^\+[1-9][0-9]{6,14}$/.test(value)) {
    throw new InvalidArgumentError(
      'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT',
      [{ field, description: 'must be an E.164 number' }],
      { domain: 'sip-gateway' },
    );
  }
  return value;
}

const systemActor = () => Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'sip-gateway' });

const callStates = {
  dialing: CallState.CALL_STATE_DIALING,
  flow: CallState.CALL_STATE_ESTABLISHED,
  queued: CallState.CALL_STATE_ESTABLISHED,
  connected: CallState.CALL_STATE_ESTABLISHED,
  external: CallState.CALL_STATE_ESTABLISHED,
  ended: CallState.CALL_STATE_ENDED,
} as const;

/** The contract's Call for a live call (its id is the SIP Call-ID until calls get ids of their own). */
function callMessage(view: CallView, site: string): Call {
  const { call } = view;
  return Call.fromPartial({
    id: call.callId,
    interactionId: call.interactionId,
    direction: call.direction === 'outbound' ? Direction.DIRECTION_OUTBOUND : Direction.DIRECTION_INBOUND,
    state: view.consultationId
      ? CallState.CALL_STATE_CONSULTING
      : view.conference
        ? CallState.CALL_STATE_CONFERENCE
        : view.held
          ? CallState.CALL_STATE_ON_HOLD
          : callStates[view.phase],
    consultationId: view.consultationId ?? '',
    from: call.callerNumber ?? '',
    to: call.dialled,
    trunkId: call.trunkId ?? '',
    agentId: view.agentId ?? '',
    siteId: site,
    sipCallId: call.callId,
    flowId: call.flowId,
    customerLeg: { rtpEndpointId: view.endpointId },
    ...(view.agentLeg ? { agentLeg: view.agentLeg } : {}),
    startedAt: call.answeredAt,
    answeredAt: call.answeredAt,
  });
}

const transports = {
  udp: SipTransport.SIP_TRANSPORT_UDP,
  tcp: SipTransport.SIP_TRANSPORT_TCP,
  tls: SipTransport.SIP_TRANSPORT_TLS,
} as const;

function registrationMessage(binding: Binding): Registration {
  return Registration.fromPartial({
    aor: binding.aor,
    contactUri: binding.contactUri,
    agentId: binding.agentId,
    userAgent: binding.userAgent,
    sourceAddress: `${binding.source.address}:${binding.source.port}`,
    transport: transports[binding.source.transport],
    registeredAt: new Date(binding.registeredAt),
    expiresAt: new Date(binding.expiresAt),
    siteId: binding.site,
  });
}

/** ListFlows / ListActiveCalls pages: an offset in the list (flows are hundreds, a replica's calls thousands). */
function page<T>(items: T[], paging: { pageSize: number; pageToken: string } | undefined) {
  const invalid = (field: string, description: string) =>
    new InvalidArgumentError('PARLEY_SIP_GATEWAY_INVALID_ARGUMENT', [{ field, description }], {
      domain: 'sip-gateway',
    });
  const size = paging?.pageSize || 50;
  if (size < 0 || size > 500) throw invalid('paging.page_size', 'must be 0–500');
  const offset = paging?.pageToken ? Number(paging.pageToken) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('paging.page_token', 'is not a token of this list');
  const next = offset + size < items.length ? String(offset + size) : '';
  return { items: items.slice(offset, offset + size), pageInfo: { nextPageToken: next, totalSize: items.length } };
}

export function createSipGatewayHandlers(options: {
  calls?: CallSessions | undefined;
  flows?: FlowStore | undefined;
  registrations?: RegistrationStore | undefined;
  site: string;
}): SipGatewayHandlers {
  return {
    async originateCall(request) {
      if (!options.calls) throw notImplementedYet('OriginateCall without a media service');
      if (request.kind === OriginateKind.ORIGINATE_KIND_OUTBOUND) {
        // An agent-initiated call needs routing to count it against the agent's capacity; routing has no such
        // interaction yet (README).
        throw notImplementedYet('OriginateCall OUTBOUND (routing has no agent-initiated interactions yet)');
      }
      if (request.kind !== OriginateKind.ORIGINATE_KIND_CALLBACK) requireField('', 'kind');
      const interactionId = requireField(request.interactionId, 'interaction_id');
      const agentId = requireField(request.agentId, 'agent_id');
      const number = requireE164(request.to, 'to');
      if (request.callerId) requireE164(request.callerId, 'caller_id');
      if (!request.agentLeg?.peerId && !request.agentLeg?.rtpEndpointId) {
        // SIP-phone agents (their phone rung first) need the registrar (README).
        throw notImplementedYet('OriginateCall for an agent without a media leg (SIP phones)');
      }
      const ringTimeoutMs = Number(request.ringTimeoutMs) || 30_000;
      if (ringTimeoutMs < 5_000 || ringTimeoutMs > 120_000) {
        throw new InvalidArgumentError(
          'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT',
          [{ field: 'ring_timeout_ms', description: 'must be 5,000–120,000' }],
          { domain: 'sip-gateway' },
        );
      }
      const placed = await options.calls.originateCallback({
        interactionId,
        number,
        callerId: request.callerId,
        agentId,
        agentLeg: request.agentLeg!,
        ringTimeoutMs,
        site: options.site,
      });
      return { call: callMessage(placed, options.site) };
    },
    async connectAgent(request) {
      const callId = requireField(request.callId, 'call_id');
      const agentId = requireField(request.agentId, 'agent_id');
      if (!request.agentLeg?.peerId && !request.agentLeg?.rtpEndpointId) requireField('', 'agent_leg');
      if (!options.calls) throw notImplementedYet('ConnectAgent without a media service');
      return { call: callMessage(await options.calls.connectAgent(callId, agentId, request.agentLeg!), options.site) };
    },
    async hangUpCall(request) {
      const callId = requireField(request.callId, 'call_id');
      if (!options.calls) throw notImplementedYet('HangUpCall without a media service');
      const actor = request.actor ?? systemActor();
      if (!(await options.calls.hangUpCall(callId, actor))) {
        throw new ParleyError('PARLEY_SIP_GATEWAY_CALL_NOT_FOUND', `no live call "${callId}"`, {
          status: Status.NOT_FOUND,
          domain: 'sip-gateway',
        });
      }
      return {};
    },
    async transferCall(request) {
      const callId = requireField(request.callId, 'call_id');
      if (!options.calls) throw notImplementedYet('TransferCall without a media service');
      const consultative = request.mode === TransferMode.TRANSFER_MODE_CONSULTATIVE;
      if (!consultative && request.mode !== TransferMode.TRANSFER_MODE_BLIND) requireField('', 'mode');
      const target = request.target;
      if (target?.phoneNumber) requireE164(target.phoneNumber, 'target.phone_number');
      if (!target?.queueId && !target?.agentId && !target?.phoneNumber) requireField('', 'target');
      if (consultative) {
        // Consulting an agent or a queue first needs routing to offer a consultation; it cannot yet (README).
        if (!target?.phoneNumber) throw notImplementedYet('a consultative transfer to a queue or an agent');
        const consulting = await options.calls.consultTransfer(
          callId,
          target.phoneNumber,
          request.actor ?? systemActor(),
        );
        return { call: callMessage(consulting, options.site), consultationId: consulting.consultationId ?? '' };
      }
      if (request.priorityBoost < 0 || request.priorityBoost > 100) {
        throw new InvalidArgumentError(
          'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT',
          [{ field: 'priority_boost', description: 'must be 0–100' }],
          { domain: 'sip-gateway' },
        );
      }
      const transferred = await options.calls.transferCall(
        callId,
        target!,
        request.priorityBoost,
        request.actor ?? systemActor(),
      );
      return { call: callMessage(transferred, options.site), consultationId: '' };
    },
    async completeTransfer(request) {
      if (!options.calls) throw notImplementedYet('CompleteTransfer without a media service');
      const consultationId = requireField(request.consultationId, 'consultation_id');
      const completed = await options.calls.completeTransfer(consultationId, request.actor ?? systemActor());
      return { call: callMessage(completed, options.site) };
    },
    async cancelTransfer(request) {
      if (!options.calls) throw notImplementedYet('CancelTransfer without a media service');
      const consultationId = requireField(request.consultationId, 'consultation_id');
      const resumed = await options.calls.cancelTransfer(consultationId, request.actor ?? systemActor());
      return { call: callMessage(resumed, options.site) };
    },
    async conferenceCall(request) {
      if (!options.calls) throw notImplementedYet('ConferenceCall without a media service');
      const consultationId = requireField(request.consultationId, 'consultation_id');
      const conference = await options.calls.conferenceCall(consultationId, request.actor ?? systemActor());
      return { call: callMessage(conference, options.site) };
    },
    async holdCall(request) {
      if (!options.calls) throw notImplementedYet('HoldCall without a media service');
      const held = await options.calls.holdCall(
        requireField(request.callId, 'call_id'),
        request.musicPrompt,
        request.actor ?? systemActor(),
      );
      return { call: callMessage(held, options.site) };
    },
    async resumeCall(request) {
      if (!options.calls) throw notImplementedYet('ResumeCall without a media service');
      const resumed = await options.calls.resumeCall(
        requireField(request.callId, 'call_id'),
        request.actor ?? systemActor(),
      );
      return { call: callMessage(resumed, options.site) };
    },
    async sendDtmf(request) {
      if (!options.calls) throw notImplementedYet('SendDtmf without a media service');
      const callId = requireField(request.callId, 'call_id');
      if (!/^[0-9*#A-D,]{1,32}$/.test(request.digits)) {
        throw new InvalidArgumentError(
          'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT',
          [{ field: 'digits', description: 'must be 1–32 of 0-9 * # A-D and , (a 500 ms pause)' }],
          { domain: 'sip-gateway' },
        );
      }
      const digitMs = Number(request.digitDurationMs) || 100;
      if (digitMs < 40 || digitMs > 2_000) {
        throw new InvalidArgumentError(
          'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT',
          [{ field: 'digit_duration_ms', description: 'must be 40–2,000' }],
          { domain: 'sip-gateway' },
        );
      }
      await options.calls.sendDtmf(callId, request.digits, digitMs);
      return {};
    },
    async listActiveCalls(request) {
      if (request.siteId && request.siteId !== options.site)
        return { calls: [], pageInfo: { nextPageToken: '', totalSize: 0 } };
      const views = options.calls?.list(request) ?? [];
      const { items, pageInfo } = page(views, request.paging);
      return { calls: items.map((view) => callMessage(view, options.site)), pageInfo };
    },
    async putFlow(request) {
      if (!options.flows) throw notImplementedYet('PutFlow without a flow store');
      if (!request.flow) requireField('', 'flow');
      return { flow: await options.flows.put(request.flow!, request.expectedVersion, request.actor) };
    },
    async getFlow(request) {
      if (!options.flows) throw notImplementedYet('GetFlow without a flow store');
      return { flow: await options.flows.get(requireField(request.flowId, 'flow_id'), request.version) };
    },
    async listFlows(request) {
      if (!options.flows) throw notImplementedYet('ListFlows without a flow store');
      const { items, pageInfo } = page(await options.flows.list(), request.paging);
      return { flows: items, pageInfo };
    },
    async validateFlow(request) {
      const result = validateFlow(request.documentJson);
      return { valid: result.valid, problems: result.valid ? [] : result.problems };
    },
    async listRegistrations(request) {
      const bindings = (await options.registrations?.list()) ?? [];
      const wanted = bindings.filter(
        (binding) =>
          (!request.agentId || binding.agentId === request.agentId) &&
          (!request.aor || binding.aor === request.aor) &&
          (!request.siteId || binding.site === request.siteId),
      );
      const { items, pageInfo } = page(wanted, request.paging);
      return { registrations: items.map(registrationMessage), pageInfo };
    },
  };
}
