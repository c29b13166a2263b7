// A failed service call as the problem document a route answers (any route: the app's error handler uses it too): the gRPC status as an HTTP status, the
// service's message as the detail, and its field violations named by the request's JSON pointers
// ("agent.capacities[0].max_concurrent" → "/body/capacities/0/maxConcurrent"), like Fastify's own validation errors.
import { httpStatusFor, ParleyError, Status } from '@parley/kit';
import type { FastifyReply } from 'fastify';
import { sendProblem, type Problem } from './problem.js';

/**
 * Where the request carries each proto field: proto path prefix → JSON pointer, matched longest first, e.g.
 * { 'queue.id': '/params/queueId', queue: '/body' }. The rest of the path is camel-cased onto the pointer.
 */
export type FieldPlaces = Readonly<Record<string, string>>;

const titles: Record<number, [kind: string, title: string]> = {
  400: ['invalid-request', 'Bad Request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not Found'],
  409: ['conflict', 'Conflict'],
  429: ['too-many-requests', 'Too Many Requests'],
  501: ['not-implemented', 'Not Implemented'],
  503: ['unavailable', 'Service Unavailable'],
};

export function rpcProblem(error: unknown, places: FieldPlaces = {}): Problem {
  if (!(error instanceof ParleyError)) return internalProblem();
  const status = httpStatusOf(error.status);
  const named = titles[status];
  // Anything else (INTERNAL, UNKNOWN, DATA_LOSS, ...) is ours to log, not the caller's to read.
  if (!named) return internalProblem();
  const fields = error.fieldViolations.map((violation) => ({
    field: requestPointer(violation.field, places),
    description: violation.description,
  }));
  return {
    status,
    kind: named[0],
    title: named[1],
    detail: error.message,
    ...(fields.length > 0 ? { fields } : {}),
  };
}

/** Sends the problem; a 503 says when to come back (routing hands a partition over within seconds). */
export function sendRpcProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 503) reply.header('retry-after', '1');
  return sendProblem(reply, problem);
}

function httpStatusOf(status: Status): number {
  switch (status) {
    // The REST reading of "not in this state": a queue still holding interactions, an agent still logged in.
    case Status.FAILED_PRECONDITION:
      return 409;
    // Whether a service was slow or absent, the caller can only retry shortly: one answer for both.
    case Status.DEADLINE_EXCEEDED:
      return 503;
    // A cancelled call is our side giving up; 499 is no status an HTTP client knows.
    case Status.CANCELLED:
      return 503;
    default:
      return httpStatusFor(status);
  }
}

function internalProblem(): Problem {
  return { status: 500, kind: 'internal', title: 'Internal Server Error', detail: 'something went wrong on our side' };
}

/** "agent.skills[2].level" → "/body/skills/2/level"; a JSON pointer already in the path (flow documents) is kept. */
export function requestPointer(protoField: string, places: FieldPlaces): string {
  const prefix = Object.keys(places)
    .filter((key) => protoField === key || protoField.startsWith(`${key}.`) || protoField.startsWith(`${key}/`))
    .sort((a, b) => b.length - a.length)[0];
  const base = prefix === undefined ? '' : places[prefix]!;
  const rest = prefix === undefined ? protoField : protoField.slice(prefix.length);
  const pointerAt = rest.indexOf('/');
  const path = pointerAt === -1 ? rest : rest.slice(0, pointerAt);
  const pointer = pointerAt === -1 ? '' : rest.slice(pointerAt);
  const segments = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((segment) => segment.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase()));
  return `${base}${segments.map((segment) => `/${segment}`).join('')}${pointer}`;
}
