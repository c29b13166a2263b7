// Logs a realm user in at the OpenID provider the way a browser running keycloak-js would — authorization code with
// PKCE: the authorization request, the login form, the redirect back with a code, the code exchanged for tokens —
// over plain HTTP with a cookie jar (no browser needed for API tests).
import { createHash, randomBytes } from 'node:crypto';

export const TEST_REDIRECT_URI = 'http://127.0.0.1:5173/callback';

export interface Tokens {
  access_token: string;
  id_token: string;
  expires_in: number;
}

export async function loginAt(issuer: string, username: string, password: string): Promise<Tokens> {
  const cookies = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!.trim(), value.join('='));
    }
    return response;
  };
  const origin = new URL(issuer).origin;
  const absolute = (location: string | null) => new URL(location ?? '', origin).toString();

  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(`${issuer}/protocol/openid-connect/auth`);
  for (const [key, value] of Object.entries({
    client_id: 'parley-web',
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: TEST_REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }))
    authorize.searchParams.set(key, value);

  const toLogin = await go(authorize.toString());
  if (toLogin.status !== 303)
    throw new Error(`authorization request answered ${toLogin.status}: ${await toLogin.text()}`);
  if (toLogin.headers.get('location')?.startsWith(TEST_REDIRECT_URI))
    throw new Error(`refused: ${toLogin.headers.get('location')}`);
  const form = await go(absolute(toLogin.headers.get('location')));
  const action = /action="([^"]+)"/.exec(await form.text())?.[1];
  if (!action) throw new Error('no login form');
  const submitted = await go(absolute(action), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  if (submitted.status !== 303) throw new Error(`login answered ${submitted.status}`);
  let location = absolute(submitted.headers.get('location'));
  for (let hop = 0; hop < 5 && !location.startsWith(TEST_REDIRECT_URI); hop += 1) {
    location = absolute((await go(location)).headers.get('location'));
  }
  const back = new URL(location);
  if (back.searchParams.get('state') !== state) throw new Error(`no code came back: ${location}`);
  const token = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: TEST_REDIRECT_URI,
      client_id: 'parley-web',
      code_verifier: verifier,
    }).toString(),
  });
  if (!token.ok) throw new Error(`token endpoint answered ${token.status}: ${await token.text()}`);
  return (await token.json()) as Tokens;
}
