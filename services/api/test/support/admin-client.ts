// The admin REST as a test calls it: logged in at the API's issuer as the demo admin, a request to
// /api/v1/admin/... with that token (another one, or none), the answer's JSON parsed.
import { loginAt } from './oidc-login.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked by expect(), not by types
export type Json = any;

export interface AdminAnswer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: Json;
}

/** `token`: the admin's when left out, none when null. */
export type AdminCall = (method: string, path: string, body?: unknown, token?: string | null) => Promise<AdminAnswer>;

export async function adminClient(api: { url: string; issuer: string }): Promise<AdminCall> {
  const adminToken = (await loginAt(api.issuer, 'admin', 'admin-demo-pass')).access_token;
  return async (method, path, body, token = adminToken) => {
    const response = await fetch(`${api.url}/api/v1/admin${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      retryAfter: response.headers.get('retry-after'),
      body: text ? (JSON.parse(text) as Json) : undefined,
    };
  };
}
