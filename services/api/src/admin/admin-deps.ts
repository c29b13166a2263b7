// What the admin routes need: the token check, the services they configure, and the audit log.
import type { Logger, RpcClient } from '@parley/kit';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { AuditLog } from '../audit/audit-log.js';
import type { TokenVerifier } from '../auth/token-verifier.js';

export interface AdminDeps {
  verifier: TokenVerifier;
  routing: RpcClient<typeof RoutingServiceService>;
  sipGateway: RpcClient<typeof SipGatewayServiceService>;
  audit: AuditLog;
  /** Where failures the caller only sees as a 500 are told in full (none: they go unlogged). */
  logger?: Logger;
}
