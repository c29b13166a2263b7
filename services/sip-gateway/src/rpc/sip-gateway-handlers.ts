// The parley.sipgateway.v1 contract. ValidateFlow, ConnectAgent and HangUpCall are served; the rest of the call
// logic (originate, transfer, hold, DTMF, flows storage, registrations) answers UNIMPLEMENTED until it is built.
import { InvalidArgumentError, ParleyError, Status, type ContractHandlers } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Direction } from '@parley/protos/parley/common/v1/channel';
import { CallState, type SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { CallSessions } from '../calls/call-sessions.js';
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

export function createSipGatewayHandlers(options: {
  calls?: CallSessions | undefined;
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
    putFlow: later('PutFlow'),
    getFlow: later('GetFlow'),
    listFlows: later('ListFlows'),
    async validateFlow(request) {
      const result = validateFlow(request.documentJson);
      return { valid: result.valid, problems: result.valid ? [] : result.problems };
    },
    listRegistrations: later('ListRegistrations'),
  };
}
