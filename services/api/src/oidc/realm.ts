// The "parley" realm as the embedded OpenID provider serves it, shaped like the Keycloak realm export shipped for
// clusters (deploy/keycloak/): realm roles agent, supervisor and admin, a `site` claim, a public client for the web
// client (authorization code with PKCE), and users. The demo users exist so a local run can log in at once; a
// deployment replaces them (API_OIDC_USERS) or points at Keycloak instead.
import { z } from 'zod';

export const REALM = 'parley';
export const realmRoles = ['agent', 'supervisor', 'admin'] as const;
export type RealmRole = (typeof realmRoles)[number];

export const realmUserSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be lower-case letters, digits, ., _ or -'),
  password: z.string().min(8),
  name: z.string().min(1).max(200),
  roles: z.array(z.enum(realmRoles)).min(1),
  /** The site the user works at (agents and supervisors act within it). */
  site: z.string().regex(/^[a-z0-9-]{1,32}$/),
});

export type RealmUser = z.output<typeof realmUserSchema>;

export const demoUsers: RealmUser[] = [
  { username: 'anna', password: 'anna-demo-pass', name: 'Anna Nowak', roles: ['agent'], site: 'waw' },
  { username: 'marek', password: 'marek-demo-pass', name: 'Marek Wiśniewski', roles: ['supervisor'], site: 'waw' },
  { username: 'admin', password: 'admin-demo-pass', name: 'Parley Admin', roles: ['admin'], site: 'waw' },
];

/** The public client of the web client (Keycloak: "parley-web", standard flow, PKCE S256). */
export const WEB_CLIENT_ID = 'parley-web';
/** The audience of access tokens for the API (Keycloak: an audience mapper adds it). */
export const API_AUDIENCE = 'parley-api';
