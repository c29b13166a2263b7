// The OpenID issuer of the agent-socket bench: what an external Keycloak shows the API (a discovery document naming
// the JWKS, the JWKS itself) served on loopback, and Keycloak-shaped RS256 access tokens signed here, because
// logging 2,000 agents in by the code flow would measure the login form, not the socket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface BenchIssuer {
  /** What API_OIDC_ISSUER is set to. */
  issuer: string;
  /** Requests the API made for the discovery document and the JWKS (one each when its key cache works). */
  requests: { discovery: number; jwks: number };
  /** An access token for an agent: `preferred_username` is routing's agent id, realm role `agent`. */
  agentToken(agentId: string): Promise<string>;
  close(): Promise<void>;
}

const keyId = 'bench-key';

export async function startBenchIssuer(audience: string): Promise<BenchIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: keyId, alg: 'RS256', use: 'sig' }] };
  const requests = { discovery: 0, jwks: 0 };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const send = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    // Keycloak's paths, so the API is configured exactly as in production.
    if (request.url === '/realms/bench/.well-known/openid-configuration') {
      requests.discovery += 1;
      return send({ issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` });
    }
    if (request.url === '/realms/bench/protocol/openid-connect/certs') {
      requests.jwks += 1;
      return send(jwks);
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/bench`;
  let closing: Promise<void> | undefined;
  return {
    issuer,
    requests,
    agentToken: (agentId) => sign(privateKey, issuer, audience, agentId),
    close: () =>
      (closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function sign(key: CryptoKey, issuer: string, audience: string, agentId: string): Promise<string> {
  // Keycloak's claims (auth/principal.ts reads them); an hour, so no token expires during a run.
  return new SignJWT({ preferred_username: agentId, realm_access: { roles: ['agent'] }, typ: 'Bearer' })
    .setProtectedHeader({ alg: 'RS256', kid: keyId, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(`bench-${agentId}`)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}
