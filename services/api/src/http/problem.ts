// Errors as RFC 9457 problem documents (application/problem+json): a type URI per kind, a title, the status, what
// went wrong in `detail`, and for bad input the fields at fault.
import type { FastifyReply } from 'fastify';

export interface Problem {
  status: number;
  /** A short stable name, e.g. "unauthorized"; becomes the type URI. */
  kind: string;
  title: string;
  detail: string;
  fields?: { field: string; description: string }[];
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `https://parley.dev/problems/${problem.kind}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(problem.fields ? { fields: problem.fields } : {}),
    });
}
