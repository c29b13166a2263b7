// REST calls to the API with the session's bearer token; failures become ProblemErrors carrying the server's
// problem document (RFC 9457), so the UI can say what went wrong instead of "error".
import type { Session } from '../auth/session';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title);
  }
}

export async function apiGet<T>(session: Session, path: string): Promise<T> {
  return apiCall<T>(session, 'GET', path);
}

export async function apiCall<T>(session: Session, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${await session.token()}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
    throw new ProblemError(response.status, problem.title ?? response.statusText, problem.detail ?? '');
  }
  return (await response.json()) as T;
}
