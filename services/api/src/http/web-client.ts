// Serves the web client (web/dist, built by Vite) from the API's own origin, so its REST calls and sockets need no
// CORS: hashed assets cached for a year, index.html (never cached) for every page the single-page app routes itself
// (/, /supervisor, /callback), and what the client must know before it can log in (GET /api/v1/client-config).
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface WebClientOptions {
  /** The build folder holding index.html; undefined or missing: only the client config is served. */
  dir: string | undefined;
  /** The OpenID issuer (…/realms/<realm>), Keycloak or the embedded provider. */
  issuer: string;
  clientId: string;
  site: string;
}

export function webClientRoutes(options: WebClientOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    const realm = /^(.*)\/realms\/([^/]+)\/?$/.exec(options.issuer);
    app.get(
      '/api/v1/client-config',
      {
        schema: {
          tags: ['session'],
          summary: 'Where the web client logs in (keycloak-js settings); public',
          response: {
            200: {
              type: 'object',
              required: ['oidc', 'site'],
              properties: {
                oidc: {
                  type: 'object',
                  required: ['url', 'realm', 'clientId', 'issuer'],
                  properties: {
                    url: { type: 'string' },
                    realm: { type: 'string' },
                    clientId: { type: 'string' },
                    issuer: { type: 'string' },
                  },
                },
                site: { type: 'string' },
              },
            },
          },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return {
          oidc: {
            // keycloak-js wants the server URL and the realm apart; an issuer not shaped like Keycloak's is kept whole.
            url: realm?.[1] ?? options.issuer,
            realm: realm?.[2] ?? '',
            clientId: options.clientId,
            issuer: options.issuer,
          },
          site: options.site,
        };
      },
    );

    const dir = options.dir;
    if (!dir || !existsSync(path.join(dir, 'index.html'))) return;
    await app.register(fastifyStatic, {
      root: dir,
      wildcard: false,
      index: false,
      setHeaders: (response, file) => {
        // Vite names assets by content hash: they never change under the same name.
        if (file.includes(`${path.sep}assets${path.sep}`))
          response.header('cache-control', 'public, max-age=31536000, immutable');
        else response.header('cache-control', 'no-cache');
      },
    });
    const page = (_request: unknown, reply: FastifyReply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html');
    app.get('/', { schema: { hide: true } }, page);
    for (const route of ['/agent', '/supervisor', '/callback', '/history'])
      app.get(route, { schema: { hide: true } }, page);
  };
}
