// The API's HTTP application: security headers (helmet), request size limits, problem+json for every error, and
// the routes, each behind authenticate(). So far: who am I (GET /api/v1/me).
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { authenticate } from './authenticate.js';
import { sendProblem } from './problem.js';

export interface AppOptions {
  verifier: TokenVerifier;
  /** Largest request body accepted (413 above). */
  bodyLimitBytes?: number;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes ?? 65_536 });
  await app.register(helmet);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { status: 404, kind: 'not-found', title: 'Not Found', detail: `no route ${request.url}` }),
  );
  app.setErrorHandler((thrown, _request, reply) => {
    const error = thrown as { statusCode?: number; code?: string; message?: string };
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return sendProblem(reply, {
      status,
      kind: status === 500 ? 'internal' : (error.code ?? 'bad-request').toLowerCase(),
      title: status === 500 ? 'Internal Server Error' : 'Bad Request',
      detail: status === 500 ? 'something went wrong on our side' : (error.message ?? 'bad request'),
    });
  });

  app.get('/api/v1/me', { preHandler: authenticate(options.verifier) }, async (request) => {
    const principal = request.principal!;
    return {
      subject: principal.subject,
      username: principal.username,
      roles: [...principal.roles],
      site: principal.site ?? null,
    };
  });
  return app;
}
