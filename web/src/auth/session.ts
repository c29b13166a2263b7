// Who is signed in: keycloak-js against Keycloak or the API's embedded provider (both serve Keycloak's paths),
// authorization code with PKCE. Every REST call and socket asks here for a fresh access token.
import Keycloak from 'keycloak-js';

export interface ClientConfig {
  oidc: { url: string; realm: string; clientId: string; issuer: string };
  site: string;
}

export type Role = 'agent' | 'supervisor' | 'admin';

export interface Session {
  username: string;
  name: string;
  roles: ReadonlySet<Role>;
  site: string;
  /** A token valid for at least 30 s more (refreshed when needed). */
  token(): Promise<string>;
  logout(): Promise<void>;
}

const RETURN_TO = 'parley.returnTo';
const CALLBACK_PATH = '/callback';

/** Signs the user in (redirecting to the login page when needed) and resolves once a token is in hand. */
export async function signIn(): Promise<Session> {
  const response = await fetch('/api/v1/client-config', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`the API answered ${response.status} for its client configuration`);
  const config = (await response.json()) as ClientConfig;
  const keycloak = new Keycloak({ url: config.oidc.url, realm: config.oidc.realm, clientId: config.oidc.clientId });
  if (location.pathname !== CALLBACK_PATH) sessionStorage.setItem(RETURN_TO, location.pathname + location.search);
  const authenticated = await keycloak.init({
    onLoad: 'login-required',
    pkceMethod: 'S256',
    responseMode: 'query',
    checkLoginIframe: false,
    redirectUri: `${location.origin}${CALLBACK_PATH}`,
  });
  if (!authenticated) throw new Error('not signed in');
  if (location.pathname === CALLBACK_PATH) {
    history.replaceState(null, '', sessionStorage.getItem(RETURN_TO) ?? '/');
    sessionStorage.removeItem(RETURN_TO);
  }
  const claims = (keycloak.tokenParsed ?? {}) as {
    preferred_username?: string;
    name?: string;
    site?: string;
    realm_access?: { roles?: string[] };
  };
  const roles = new Set(
    (claims.realm_access?.roles ?? []).filter((role): role is Role => ['agent', 'supervisor', 'admin'].includes(role)),
  );
  return {
    username: claims.preferred_username ?? '',
    name: claims.name ?? claims.preferred_username ?? '',
    roles,
    site: claims.site ?? config.site,
    token: async () => {
      // Keycloak renews with its refresh token; a provider that gave none (the embedded one: long-lived tokens)
      // leaves the token as it is until it runs out, and then the user signs in again.
      if (keycloak.refreshToken) await keycloak.updateToken(30).catch(() => undefined);
      const expiresAt = (keycloak.tokenParsed?.exp ?? 0) * 1_000;
      if (expiresAt - Date.now() < 5_000) await keycloak.login({ redirectUri: `${location.origin}${CALLBACK_PATH}` });
      return keycloak.token ?? '';
    },
    logout: () => keycloak.logout({ redirectUri: location.origin }),
  };
}
