// Who is calling, from a verified access token's Keycloak claims: the subject, the user name, the realm roles
// (realm_access.roles, only the ones Parley knows) and the site (a `site` claim, or a group "/sites/<site>").
import type { JWTPayload } from 'jose';
import { realmRoles, type RealmRole } from '../oidc/realm.js';
import { InvalidTokenError } from './invalid-token.js';

export interface Principal {
  subject: string;
  username: string;
  /** The name to show (the `name` claim, else the user name). */
  name: string;
  roles: ReadonlySet<RealmRole>;
  site: string | undefined;
}

export function principalFrom(payload: JWTPayload): Principal {
  if (!payload.sub) throw new InvalidTokenError('the token has no subject');
  const access = payload.realm_access as { roles?: unknown } | undefined;
  const claimed = Array.isArray(access?.roles) ? access.roles : [];
  const roles = new Set(realmRoles.filter((role) => claimed.includes(role)));
  const groups = Array.isArray(payload.groups) ? (payload.groups as unknown[]) : [];
  const fromGroup = groups
    .map((group) => (typeof group === 'string' ? /^\/sites\/([a-z0-9-]+)$/.exec(group)?.[1] : undefined))
    .find(Boolean);
  const site = typeof payload.site === 'string' ? payload.site : fromGroup;
  const username = typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub;
  const name = typeof payload.name === 'string' && payload.name ? payload.name : username;
  return { subject: payload.sub, username, name, roles, site };
}
