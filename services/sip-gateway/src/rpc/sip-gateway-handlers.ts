// The parley.sipgateway.v1 contract. Flows (validate, put, get, list), ConnectAgent and HangUpCall are served; the
// rest of the call logic (originate, transfer, hold, DTMF, registrations) answers UNIMPLEMENTED until it is built.
import { InvalidArgumentError, ParleyError, Status, type ContractHandlers } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Direction } from '@parley/protos/parley/common/v1/channel';
import { CallState, type SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { CallSessions } from '../calls/call-sessions.js';
import type { FlowStore } from '../flows/flow-store.js';
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

/** ListFlows pages: an offset in the list sorted by display name (flows are few: hundreds). */
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
  site: string;
}): SipGatewayHandlers {
  const later = (method: string) => () => Promise.reject(notImplementedYet(method));
  return {
    originateCall: later('OriginateCall'),
    async connectAgent(request) {
      const callId = requireField(request.callId, 'call_id');
      const agentId = requireField(request.agentId, 'agent_id');
      if (!request.agentLeg?.peerId && !request.agentLeg?.rtpEndpointId) requireField('', 'agent_leg');
      if (!options.calls) throw notImplementedYet('ConnectAgent without a media service');
      const { call, endpointId } = await options.calls.connectAgent(callId, agentId, request.agentLeg!);
      return {
        call: {
          id: call.callId,
          interactionId: call.interactionId,
          direction: Direction.DIRECTION_INBOUND,
          state: CallState.CALL_STATE_ESTABLISHED,
          from: call.callerNumber ?? '',
          to: call.dialled,
          trunkId: call.trunkId ?? '',
          agentId,
          siteId: options.site,
          sipCallId: call.callId,
          flowId: call.flowId,
          flowVersion: 0,
          customerLeg: { rtpEndpointId: endpointId },
          agentLeg: request.agentLeg!,
          consultationId: '',
          startedAt: call.answeredAt,
          answeredAt: call.answeredAt,
        },
      };
    },
    async hangUpCall(request) {
      const callId = requireField(request.callId, 'call_id');
      if (!options.calls) throw notImplementedYet('HangUpCall without a media service');
      const actor = request.actor ?? Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'sip-gateway' });
      if (!(await options.calls.hangUpCall(callId, actor))) {
        throw new ParleyError('PARLEY_SIP_GATEWAY_CALL_NOT_FOUND', `no live call "${callId}"`, {
          status: Status.NOT_FOUND,
          domain: 'sip-gateway',
        });
      }
      return {};
    },
    transferCall: later('TransferCall'),
    completeTransfer: later('CompleteTransfer'),
    cancelTransfer: later('CancelTransfer'),
    conferenceCall: later('ConferenceCall'),
    holdCall: later('HoldCall'),
    resumeCall: later('ResumeCall'),
    sendDtmf: later('SendDtmf'),
    listActiveCalls: later('ListActiveCalls'),
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
    listRegistrations: later('ListRegistrations'),
  };
}
