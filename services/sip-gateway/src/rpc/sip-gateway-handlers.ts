// The parley.sipgateway.v1 contract. ValidateFlow is served; every call that needs the call logic (originate,
// connect, transfer, hold, DTMF, flows storage, registrations) answers UNIMPLEMENTED until it is built (README).
import { ParleyError, Status, type ContractHandlers } from '@parley/kit';
import type { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
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

export function createSipGatewayHandlers(): SipGatewayHandlers {
  const later = (method: string) => () => Promise.reject(notImplementedYet(method));
  return {
    originateCall: later('OriginateCall'),
    connectAgent: later('ConnectAgent'),
    hangUpCall: later('HangUpCall'),
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
