// Route guards: a bearer token is required on every API route (401 with a Bearer challenge otherwise), and a route
// may ask for realm roles (403 when the caller has none of them). The caller's principal is on the request.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { InvalidTokenError } from '../auth/invalid-token.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { RealmRole } from '../oidc/realm.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function authenticate(verifier: TokenVerifier, roles: readonly RealmRole[] = []): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header)?.[1];
    if (!token) return unauthorized(reply, 'a bearer token is required', 'invalid_request');
    try {
      request.principal = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      return unauthorized(reply, error.message, 'invalid_token');
    }
    if (roles.length > 0 && !roles.some((role) => request.principal!.roles.has(role))) {
      return sendProblem(reply, {
        status: 403,
        kind: 'forbidden',
        title: 'Forbidden',
        detail: `this needs the role ${roles.join(' or ')}`,
      });
    }
    return undefined;
  };
}

function unauthorized(reply: FastifyReply, detail: string, error: string): FastifyReply {
  reply.header('WWW-Authenticate', `Bearer realm="parley", error="${error}"`);
  return sendProblem(reply, { status: 401, kind: 'unauthorized', title: 'Unauthorized', detail });
}
