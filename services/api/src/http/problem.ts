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

/** Fastify's schema validation errors (Ajv) as a 400 naming each bad field by its JSON pointer, e.g. "/body/name". */
export function validationProblem(
  errors: { instancePath?: string; message?: string; params?: Record<string, unknown> }[],
  summary = 'the request is not valid',
  /** Which part of the request: body, params, querystring, headers. */
  context = 'body',
): Problem {
  return {
    status: 400,
    kind: 'invalid-request',
    title: 'Bad Request',
    detail: summary,
    fields: errors.map((error) => {
      const missing = typeof error.params?.missingProperty === 'string' ? `/${error.params.missingProperty}` : '';
      const extra = typeof error.params?.additionalProperty === 'string' ? `/${error.params.additionalProperty}` : '';
      return {
        field: `/${context}${error.instancePath ?? ''}${missing}${extra}`,
        description: error.message ?? 'invalid',
      };
    }),
  };
}
