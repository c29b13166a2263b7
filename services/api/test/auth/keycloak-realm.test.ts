// The Keycloak realm export for clusters and the embedded provider's realm must agree: the same roles, the web
// client's id with PKCE S256 and the API audience in its tokens, the site claim, and the same demo users.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_AUDIENCE, demoUsers, realmRoles, REALM, WEB_CLIENT_ID } from '../../src/oidc/realm.js';

const exportFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../deploy/keycloak/parley-realm.json',
);

interface KeycloakRealm {
  realm: string;
  roles: { realm: { name: string }[] };
  clients: {
    clientId: string;
    publicClient: boolean;
    directAccessGrantsEnabled: boolean;
    attributes: Record<string, string>;
    protocolMappers: { protocolMapper: string; config: Record<string, string> }[];
  }[];
  users: { username: string; realmRoles: string[]; attributes: { site: string[] }; credentials: { value: string }[] }[];
}

describe('the Keycloak realm export', () => {
  it('matches the embedded provider’s realm', async () => {
    const realm = JSON.parse(await readFile(exportFile, 'utf8')) as KeycloakRealm;
    expect(realm.realm).toBe(REALM);
    expect(realm.roles.realm.map((role) => role.name).sort()).toEqual([...realmRoles].sort());
    const client = realm.clients.find((candidate) => candidate.clientId === WEB_CLIENT_ID);
    expect(client).toMatchObject({ publicClient: true, directAccessGrantsEnabled: false });
    expect(client?.attributes['pkce.code.challenge.method']).toBe('S256');
    const mappers = client?.protocolMappers ?? [];
    expect(mappers.find((m) => m.protocolMapper === 'oidc-audience-mapper')?.config['included.custom.audience']).toBe(
      API_AUDIENCE,
    );
    expect(mappers.find((m) => m.config['claim.name'] === 'site')?.config['user.attribute']).toBe('site');
    expect(
      realm.users.map((user) => ({
        username: user.username,
        password: user.credentials[0]?.value,
        roles: user.realmRoles,
        site: user.attributes.site[0],
      })),
    ).toEqual(demoUsers.map(({ username, password, roles, site }) => ({ username, password, roles, site })));
  });
});
