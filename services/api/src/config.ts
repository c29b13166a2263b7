// The API's configuration: the only place that reads the environment.
import { apiPublicPort, baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { demoUsers, realmUserSchema } from './oidc/realm.js';

export const apiConfigSchema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(servicePorts.api.grpc),
  HTTP_PORT: env.port(servicePorts.api.http),
  /** The public HTTP server: web client, REST, WebSockets. */
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: env.port(apiPublicPort),
  /**
   * The OpenID issuer whose tokens the API accepts, e.g. https://sso.example.com/realms/parley (Keycloak). Unset:
   * the embedded provider serves the realm on API_OIDC_PORT and is the issuer.
   */
  API_OIDC_ISSUER: z.url().optional(),
  /** The audience access tokens must name (Keycloak: an audience mapper on the web client adds it). */
  API_OIDC_AUDIENCE: z.string().min(1).default('parley-api'),
  /** Origins allowed to call the API from browsers (comma list: the web client's, the sites embedding the chat widget). */
  API_CORS_ORIGINS: env.list(''),
  /** Requests one client address may make a minute before 429 (high: a contact center's agents share a NAT). */
  API_REQUESTS_PER_MINUTE: env.positiveInt(20_000),
  /** Requests one signed-in user may make a minute before 429. */
  API_USER_REQUESTS_PER_MINUTE: env.positiveInt(600),
  /** Routing's NATS domain for this site's partition (parley.rpc.<domain>.<Method>). */
  API_ROUTING_RPC_DOMAIN: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/, 'must be NATS subject tokens joined by dots')
    .default('routing.p0'),
  /** The NATS domains of the sip-gateway (flows), media (WebRTC signalling, supervision) and history (screen-pop). */
  API_SIP_GATEWAY_RPC_DOMAIN: env.subjectToken('sip-gateway'),
  API_MEDIA_RPC_DOMAIN: env.subjectToken('media'),
  API_HISTORY_RPC_DOMAIN: env.subjectToken('history'),
  /** Queues the chat widget may start chats in (comma list; the first is the default). */
  API_CHAT_QUEUES: env.list('chat').pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)).min(1)),
  /** Abuse limits of the chat channel: message length, chats started per address an hour, messages per conversation
   * (a burst, then one per interval), visitor sockets per address. */
  API_CHAT_MAX_MESSAGE_CHARS: env.positiveInt(2_000),
  API_CHAT_STARTS_PER_HOUR: env.positiveInt(30),
  API_CHAT_MESSAGE_BURST: env.positiveInt(10),
  API_CHAT_MESSAGE_INTERVAL_MS: env.positiveInt(1_000),
  API_CHAT_SOCKETS_PER_ADDRESS: env.positiveInt(20),
  /** How long an agent may be without any open tab before being logged out of routing (a reload fits in it). */
  API_AGENT_GRACE_MS: env.positiveInt(30_000),
  /** The embedded provider's port (0: any), its users (JSON, default the demo users) and the web client's callbacks. */
  API_OIDC_PORT: env.port(8081),
  /**
   * How long the embedded provider's access tokens last: a shift, since it cannot give keycloak-js a refresh token
   * (Keycloak can: with Keycloak, its own 5-minute tokens are renewed by the web client).
   */
  API_OIDC_ACCESS_TOKEN_SECONDS: env.positiveInt(36_000),
  API_OIDC_USERS: env
    .json(z.array(realmUserSchema).min(1), 'an array of users')
    .transform((users) => users ?? demoUsers),
  /** The web client's production build (`pnpm --filter @parley/web build`), served at `/`; empty: not served. */
  API_WEB_DIR: z.string().default(fileURLToPath(new URL('../../../web/dist', import.meta.url))),
  /** The OpenID client the web client logs in as (Keycloak: the realm export's public client). */
  API_OIDC_WEB_CLIENT_ID: z.string().min(1).default('parley-web'),
  API_OIDC_REDIRECT_URIS: env.list(
    'http://127.0.0.1:8080/callback,http://localhost:8080/callback,http://127.0.0.1:5173/callback',
  ),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;

export function loadApiConfig(environment: Record<string, string | undefined> = process.env): ApiConfig {
  return loadConfig(apiConfigSchema, environment);
}
