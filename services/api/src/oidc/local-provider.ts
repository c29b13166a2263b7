// The embedded OpenID provider (oidc-provider, certified OpenID Connect), serving the "parley" realm at
// Keycloak's paths (<base>/realms/parley/...), so the web client's keycloak-js and the API's token checks work the
// same against it and against Keycloak. Access tokens are JWTs for the API audience carrying Keycloak's claims
// (realm_access.roles, preferred_username) and the user's site. Logging in is a small form of ours (users from
// the realm); consent is implied for the first-party web client.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { API_AUDIENCE, REALM, WEB_CLIENT_ID, type RealmUser } from './realm.js';

export interface LocalProviderOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  users: readonly RealmUser[];
  /** Where the web client may be redirected after login (its origin's callback URLs). */
  redirectUris: readonly string[];
  /**
   * Access token lifetime (default 300 s, Keycloak's). The embedded provider issues no refresh tokens: its opaque
   * ones break keycloak-js (which decodes refresh tokens as JWTs, as Keycloak's are), so a local sign-in lasts this.
   */
  accessTokenSeconds?: number;
}

export interface LocalProvider {
  /** The issuer, e.g. http://127.0.0.1:8081/realms/parley */
  issuer: string;
  close(): Promise<void>;
}

const API_SCOPE = 'api';
/** The API as an RFC 8707 resource (an absolute URI); its tokens carry the Keycloak-style audience instead. */
const API_RESOURCE = 'urn:parley:api';

export async function startLocalProvider(options: LocalProviderOptions): Promise<LocalProvider> {
  const users = new Map(options.users.map((user) => [user.username, user]));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const prefix = `/realms/${REALM}`;
  const issuer = `http://${options.host}:${port}${prefix}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...options.redirectUris],
      },
    ],
    jwks: { keys: [signingKey as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'offline_access', API_SCOPE],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: API_SCOPE,
          audience: API_AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: options.accessTokenSeconds ?? 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    findAccount: (_ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, name: user.name, preferred_username: user.username }),
      };
    },
    // Keycloak's access-token claims, which the API reads whichever provider issued the token.
    extraTokenClaims: (_ctx, token) => {
      const user = 'accountId' in token && token.accountId ? users.get(token.accountId) : undefined;
      if (!user) return undefined;
      return {
        preferred_username: user.username,
        name: user.name,
        realm_access: { roles: user.roles },
        site: user.site,
      };
    },
    // The first-party web client needs no consent screen: its grant covers the realm's scopes and the API.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile offline_access');
      grant.addResourceScope(API_RESOURCE, API_SCOPE);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
    // Keycloak's endpoint paths: keycloak-js builds them from the realm URL instead of reading discovery.
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      userinfo: '/protocol/openid-connect/userinfo',
      end_session: '/protocol/openid-connect/logout',
      revocation: '/protocol/openid-connect/revoke',
      introspection: '/protocol/openid-connect/token/introspect',
    },
    ttl: { AccessToken: options.accessTokenSeconds ?? 300 },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  const handle = provider.callback();

  const webOrigins = new Set(options.redirectUris.map((uri) => new URL(uri).origin));
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    if (answerWebClientCors(request, response, webOrigins)) return;
    if (!url.startsWith(prefix)) {
      response.writeHead(404).end();
      return;
    }
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.slice(prefix.length).split('?')[0]!);
    if (interaction) {
      void loginInteraction(provider, users, request, response, interaction[1]!, Boolean(interaction[2])).catch(() => {
        if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain' });
        response.end('the login session has expired: start again');
      });
      return;
    }
    // oidc-provider finds its mount path from originalUrl minus url.
    (request as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    request.url = url.slice(prefix.length) || '/';
    void handle(request, response);
  });

  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * CORS for the web client's origins (those of its redirect URIs), as Keycloak answers them: keycloak-js calls the
 * token endpoint with credentials, which oidc-provider's own CORS does not allow (and it stands aside when a
 * response already carries CORS headers). Other origins get no CORS headers from here. True: the request is
 * answered (a preflight).
 */
function answerWebClientCors(request: IncomingMessage, response: ServerResponse, webOrigins: ReadonlySet<string>) {
  const origin = request.headers.origin;
  response.setHeader('vary', 'Origin');
  if (!origin || !webOrigins.has(origin)) return false;
  response.setHeader('access-control-allow-origin', origin);
  response.setHeader('access-control-allow-credentials', 'true');
  if (request.method !== 'OPTIONS' || !request.headers['access-control-request-method']) return false;
  response.setHeader('access-control-allow-methods', 'GET,POST');
  const headers = request.headers['access-control-request-headers'];
  if (headers) response.setHeader('access-control-allow-headers', headers);
  response.setHeader('access-control-max-age', '600');
  response.writeHead(204).end();
  return true;
}

/** GET: the login form; POST …/login: check the realm user's password and finish the interaction. */
async function loginInteraction(
  provider: Provider,
  users: ReadonlyMap<string, RealmUser>,
  request: IncomingMessage,
  response: ServerResponse,
  uid: string,
  submitted: boolean,
): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (!submitted || request.method !== 'POST') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(loginPage(uid, ''));
    return;
  }
  const form = new URLSearchParams(await readBody(request));
  const user = users.get(form.get('username') ?? '');
  if (!user || user.password !== form.get('password')) {
    response.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(loginPage(uid, 'Wrong user name or password.'));
    return;
  }
  await provider.interactionFinished(
    request,
    response,
    { login: { accountId: user.username } },
    { mergeWithLastSubmission: false },
  );
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function loginPage(uid: string, error: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to Parley</title></head><body>
<main><h1>Sign in to Parley</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="${`/realms/${REALM}/interaction/${uid}/login`}">
<label>User name <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form></main></body></html>`;
}
