// The API's HTTP application: security headers (helmet), CORS, rate and size limits, problem+json for every error
// (bad input names its fields), the OpenAPI document, and the routes, each behind authenticate(): who am I
// (GET /api/v1/me), the agent socket (a WebSocket that authenticates in its first message), and the route modules
// the service adds (admin, supervisor, chat).
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { serveAgentSocket, type AgentSocketDeps } from '../agent-session/agent-socket.js';
import { ParleyError } from '@parley/kit';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { KeyedRates } from '../limits/keyed-rates.js';
import { authenticate } from './authenticate.js';
import { registerOpenApi } from './openapi.js';
import { sendProblem, validationProblem } from './problem.js';
import { rpcProblem, sendRpcProblem } from './rpc-problem.js';

/** A set of routes registered after the common plugins (so the OpenAPI document and error handling cover them). */
export type RouteModule = (app: FastifyInstance) => Promise<void> | void;

export interface AppOptions {
  verifier: TokenVerifier;
  /** Largest request body accepted (413 above). */
  bodyLimitBytes?: number;
  /** What agent sockets need (routing, the offer feed); without it the socket route is not served. */
  agentSockets?: Omit<AgentSocketDeps, 'verifier'>;
  /** Largest WebSocket frame accepted (the socket is closed above it; default 32 KiB: a browser's RTP capabilities fit). */
  maxFrameBytes?: number;
  /** Origins whose pages may call the API from a browser (the web client's, the chat widget's hosts); none: same origin only. */
  corsOrigins?: readonly string[];
  /** Requests one client address may make a minute (429 above); default 20,000 (a contact center's agents share a NAT). */
  requestsPerMinute?: number;
  /** Requests one signed-in user may make a minute (429 above); default 600. */
  userRequestsPerMinute?: number;
  routes?: readonly RouteModule[];
  /** Origins the web client's pages may fetch from besides their own (the OpenID provider's token endpoint). */
  connectOrigins?: readonly string[];
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? 65_536,
    // Unknown properties are refused (400 naming them), not silently dropped: a PUT replacing a whole queue must not
    // quietly reset the setting a misspelt field meant to change.
    ajv: { customOptions: { removeAdditional: false } },
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // 'self' covers the API's sockets too (CSP 3); keycloak-js exchanges the login code at the provider.
        connectSrc: ["'self'", ...(options.connectOrigins ?? [])],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(cors, { origin: [...(options.corsOrigins ?? [])], credentials: false, maxAge: 600 });
  // Routes may set their own limits (config.rateLimit, e.g. chats started per address an hour).
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'too-many-requests',
      message: `more than ${context.max} such requests from this address; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  // Every request counts against its address first (before any guard: a flood of bad tokens is limited too), then
  // against its user once a guard has said who is calling.
  const addressLimit = options.requestsPerMinute ?? 20_000;
  const userLimit = options.userRequestsPerMinute ?? 600;
  const addressRates = new KeyedRates(addressLimit);
  const userRates = new KeyedRates(userLimit);
  app.addHook('onClose', () => {
    addressRates.close();
    userRates.close();
  });
  app.addHook('onRequest', async (request, reply) =>
    addressRates.allow(request.ip)
      ? undefined
      : tooMany(reply, `more than ${addressLimit} requests a minute from this address`),
  );
  app.addHook('preValidation', async (request, reply) =>
    !request.principal || userRates.allow(request.principal.subject)
      ? undefined
      : tooMany(reply, `more than ${userLimit} requests a minute from ${request.principal.username}`),
  );
  await app.register(websocket, { options: { maxPayload: options.maxFrameBytes ?? 32_768 } });
  await registerOpenApi(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { status: 404, kind: 'not-found', title: 'Not Found', detail: `no route ${request.url}` }),
  );
  app.setErrorHandler((thrown, _request, reply) => {
    const error = thrown as {
      statusCode?: number;
      code?: string;
      message?: string;
      validation?: unknown;
      validationContext?: string;
    };
    if (Array.isArray(error.validation))
      return sendProblem(reply, validationProblem(error.validation, error.message, error.validationContext));
    // A service refused or could not be reached (routing restarting: 503 with Retry-After, not a 500).
    if (thrown instanceof ParleyError) return sendRpcProblem(reply, rpcProblem(thrown));
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return sendProblem(reply, {
      status,
      kind: status === 500 ? 'internal' : (error.code ?? 'bad-request').toLowerCase(),
      title: status === 500 ? 'Internal Server Error' : status === 429 ? 'Too Many Requests' : 'Bad Request',
      detail: status === 500 ? 'something went wrong on our side' : (error.message ?? 'bad request'),
    });
  });

  app.get(
    '/api/v1/me',
    { onRequest: authenticate(options.verifier), schema: { tags: ['session'], security: [{ bearer: [] }] } },
    async (request) => {
      const principal = request.principal!;
      return {
        subject: principal.subject,
        username: principal.username,
        roles: [...principal.roles],
        site: principal.site ?? null,
      };
    },
  );
  const agentSockets = options.agentSockets;
  if (agentSockets) {
    app.get(
      '/api/v1/agent/socket',
      {
        websocket: true,
        schema: {
          tags: ['agent'],
          summary: 'The agent socket (WebSocket): authenticate with the access token in the first message',
          security: [{ bearer: [] }],
        },
      },
      (socket, request) =>
        serveAgentSocket(
          socket,
          { ...agentSockets, verifier: options.verifier },
          { address: request.ip, userAgent: request.headers['user-agent']?.slice(0, 200) },
        ),
    );
  }
  for (const routes of options.routes ?? []) await routes(app);
  return app;
}

/** A 429 problem document; a bucket refills a request's worth within seconds, so Retry-After is short. */
function tooMany(reply: FastifyReply, detail: string): FastifyReply {
  reply.header('Retry-After', '1');
  return sendProblem(reply, { status: 429, kind: 'too-many-requests', title: 'Too Many Requests', detail });
}
