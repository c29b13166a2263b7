// Refuses request bodies carrying properties their schema does not know, naming each one, before Fastify's
// validation. Needed because Fastify's Ajv runs with `removeAdditional: true`: `additionalProperties: false` then
// silently drops a misspelt field instead of refusing it, and a PUT that replaces a whole queue would quietly reset
// the setting the admin meant to change. (Turning removeAdditional off app-wide would make this unnecessary.)
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem, validationProblem } from '../http/problem.js';

interface ObjectishSchema {
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  items?: unknown;
}

interface UnknownProperty {
  instancePath: string;
  message: string;
  params: { additionalProperty: string };
}

/** A preValidation hook for routes whose body schema is `schema`. */
export function rejectUnknownProperties(schema: object) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const unknown = unknownProperties(schema as ObjectishSchema, request.body, '');
    if (unknown.length === 0) return undefined;
    return sendProblem(reply, validationProblem(unknown, 'the request body has properties this route does not know'));
  };
}

/** In Ajv's error shape, so the problem document reads like every other validation failure. */
export function unknownProperties(schema: ObjectishSchema, value: unknown, path: string): UnknownProperty[] {
  if (Array.isArray(value)) {
    const items = schema.items as ObjectishSchema | undefined;
    return items ? value.flatMap((item, i) => unknownProperties(items, item, `${path}/${i}`)) : [];
  }
  if (value === null || typeof value !== 'object' || !schema.properties) return [];
  const properties = schema.properties;
  return Object.entries(value).flatMap(([key, child]) => {
    const childSchema = properties[key] as ObjectishSchema | undefined;
    if (childSchema) return unknownProperties(childSchema, child, `${path}/${escapePointer(key)}`);
    if (schema.additionalProperties !== false) return [];
    return [
      { instancePath: path, message: 'must NOT have additional properties', params: { additionalProperty: key } },
    ];
  });
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
