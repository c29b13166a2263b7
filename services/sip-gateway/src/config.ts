// The SIP gateway's configuration: the only place that reads the environment.
import { baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import { z } from 'zod';
import type { FlowDocument } from './flows/flow-document.js';
import { validateFlow } from './flows/validate-flow.js';
import { trunksSchema } from './trunks/trunk-config.js';
import { phoneAccountsSchema } from './registrar/phone-accounts.js';

const addressList = z
  .string()
  .default('127.0.0.1')
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const sipGatewayConfigSchema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(servicePorts['sip-gateway'].grpc),
  HTTP_PORT: env.port(servicePorts['sip-gateway'].http),
  /** Where SIP listens, UDP and TCP on one port (0.0.0.0 in a cluster; loopback for the local runner). */
  SIP_HOST: z.string().min(1).default('127.0.0.1'),
  SIP_PORT: z.coerce.number().int().min(0).max(65_535).default(5060),
  /** Comma-separated addresses allowed to send calls (the trunk providers'); anyone else gets 403. */
  SIP_ALLOWED_SOURCES: addressList,
  /**
   * Where calls' audio goes: "service" asks the media service (over NATS, domain SIP_MEDIA_RPC_DOMAIN) for an RTP
   * endpoint per call; "none" answers with SIP_MEDIA_ADDRESS/SIP_MEDIA_PORT and no media (signalling tests).
   */
  SIP_MEDIA: z.enum(['service', 'none']).default('service'),
  SIP_MEDIA_RPC_DOMAIN: env.subjectToken('media'),
  /** The NATS domain this gateway serves its contract on (one per site when sites share a NATS account; tests). */
  SIP_RPC_DOMAIN: env.subjectToken('sip-gateway'),
  /** Routing's NATS domain for this site's partition (parley.rpc.<domain>.<Method>; routing README "Partitions"). */
  SIP_ROUTING_RPC_DOMAIN: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/, 'must be NATS subject tokens joined by dots')
    .default('routing.p0'),
  SIP_MEDIA_ADDRESS: z.string().min(1).default('127.0.0.1'),
  SIP_MEDIA_PORT: env.port(40_000),
  /**
   * The trunks as JSON (trunks/trunk-config.ts): sources, call caps, credentials, DIDs → flows. When set, it replaces
   * SIP_ALLOWED_SOURCES: only trunk sources may call, and only their numbers.
   */
  SIP_TRUNKS: env.json(trunksSchema, 'an array of trunks'),
  /**
   * The IVR flows as JSON, { "<flow id>": <flow document> } (flows/flow-document.ts); a trunk's DIDs name them. Each
   * is validated at start; the errors name the flow and the JSON pointer of the bad place. Unset: no flow runs.
   */
  SIP_FLOWS: z
    .string()
    .optional()
    .transform((text, context) => {
      const flows = new Map<string, FlowDocument>();
      if (text === undefined || text.trim() === '') return flows;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        context.addIssue({ code: 'custom', message: 'must be JSON (an object of flow documents by id)' });
        return z.NEVER;
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        context.addIssue({ code: 'custom', message: 'must be an object of flow documents by id' });
        return z.NEVER;
      }
      for (const [id, document] of Object.entries(json)) {
        const checked = validateFlow(JSON.stringify(document));
        if (checked.valid) flows.set(id, checked.flow);
        else
          for (const problem of checked.problems)
            context.addIssue({ code: 'custom', message: `flow ${id}${problem.path}: ${problem.message}` });
      }
      return flows;
    }),
  /** The JetStream KV bucket of the flows stored by PutFlow (shared by the site's replicas; SIP_FLOWS seeds it). */
  SIP_FLOWS_BUCKET: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a bucket name (letters, digits, _ or -)')
    .default('PARLEY_FLOWS'),
  /** PEM files of the TLS certificate and key: both set, SIP over TLS listens on SIP_TLS_PORT too. */
  SIP_TLS_CERT_FILE: z.string().min(1).optional(),
  SIP_TLS_KEY_FILE: z.string().min(1).optional(),
  SIP_TLS_PORT: z.coerce.number().int().min(0).max(65_535).default(5061),
  /** Signs digest nonces; the same on every replica. Required when a trunk has credentials. */
  SIP_NONCE_SECRET: z.string().min(16).optional(),
  SIP_MAX_REQUESTS_PER_SECOND_PER_SOURCE: env.positiveInt(10_000),
  SIP_MAX_DIALOGS: env.positiveInt(50_000),
  /** The SIP domain of agents' phone addresses (sip:<username>@<domain>) and the registrar's digest realm. */
  SIP_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'must be a domain name')
    .default('parley.local'),
  /**
   * Agents' SIP phone accounts as JSON (registrar/phone-accounts.ts): [{ username, password, agentId }]. Set, the
   * registrar answers REGISTER (SIP_NONCE_SECRET required) and offers to those agents ring their phones.
   */
  SIP_PHONE_ACCOUNTS: env.json(phoneAccountsSchema, 'an array of accounts').transform((accounts) => accounts ?? []),
  /** The JetStream KV bucket of phone registrations (shared by the site's replicas). */
  SIP_REGISTRATIONS_BUCKET: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a bucket name (letters, digits, _ or -)')
    .default('PARLEY_SIP_REGISTRATIONS'),
  /** Registration lifetimes a phone may ask for (423 below the minimum; capped at the maximum). */
  SIP_REGISTER_MIN_EXPIRES_S: env.positiveInt(60),
  SIP_REGISTER_MAX_EXPIRES_S: env.positiveInt(3_600),
  /** Session timers (RFC 4028): the shortest interval a caller may ask for (Min-SE; 422 below it). */
  SIP_MIN_SESSION_EXPIRES_S: z.coerce.number().int().min(90).max(86_400).default(90),
  /** How long a transfer to an external number rings before the call is given up. */
  SIP_TRANSFER_RING_TIMEOUT_MS: env.positiveInt(30_000),
});

export type SipGatewayConfig = z.output<typeof sipGatewayConfigSchema>;

export function loadSipGatewayConfig(environment: Record<string, string | undefined> = process.env): SipGatewayConfig {
  return loadConfig(sipGatewayConfigSchema, environment);
}
