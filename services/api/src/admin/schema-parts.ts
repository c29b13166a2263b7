// JSON Schema pieces every admin route shares: what the OpenAPI document says of each route (tag, bearer
// security), the problem document of every error answer, id path parameters and paging.

/** Ids in paths: routing accepts any 1–128 characters; ours are ULIDs or slugs, so URL-safe characters only. */
export const ID_PATTERN = '^[A-Za-z0-9._~-]{1,128}$';

export const idSchema = { type: 'string', pattern: ID_PATTERN } as const;
export const idListSchema = { type: 'array', items: idSchema, maxItems: 100 } as const;
export const nameSchema = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const timestampSchema = { type: 'string', format: 'date-time' } as const;

export function idParams(name: string, description: string, pattern = ID_PATTERN) {
  return {
    type: 'object',
    properties: { [name]: { type: 'string', pattern, description } },
    required: [name],
    additionalProperties: false,
  } as const;
}

export const pagingQuery = {
  pageSize: { type: 'integer', minimum: 1, maximum: 500, description: 'Items per page (default 50).' },
  pageToken: { type: 'string', maxLength: 200, description: 'The nextPageToken of the previous page.' },
} as const;

export const nextPageTokenSchema = {
  type: 'string',
  description: 'Pass as pageToken for the next page; empty on the last page.',
} as const;

export interface PagingQuery {
  pageSize?: number;
  pageToken?: string;
}

/** Routing and the gateway name paging fields like this; they are the querystring's here. */
export const pagingPlaces = {
  'paging.page_size': '/querystring/pageSize',
  'paging.page_token': '/querystring/pageToken',
};

export const problemSchema = {
  type: 'object',
  description: 'An RFC 9457 problem document (application/problem+json).',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    fields: {
      type: 'array',
      description: 'For bad input: each field at fault, by its JSON pointer in the request, e.g. /body/displayName.',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, description: { type: 'string' } },
        required: ['field', 'description'],
      },
    },
  },
  required: ['type', 'title', 'status', 'detail'],
} as const;

const errorDescriptions: Record<number, string> = {
  400: 'The request is not valid; `fields` names each bad field.',
  401: 'No bearer token, or one that does not verify.',
  403: 'The token lacks the admin role.',
  404: 'No such item.',
  409: 'The item is in a state that forbids it, or its revision is not the one expected.',
  429: 'Too many requests from this address.',
  500: 'Our fault.',
  503: 'The service is unavailable or did not answer in time; retry shortly (Retry-After).',
};

/**
 * The success answer plus every error answer the route can give: those of every admin route, and `extra` where they
 * apply (400 for routes taking input, 404 for one item, 409 for changes).
 */
export function responses(success: Record<number, object>, extra: readonly (400 | 404 | 409)[] = []) {
  const errors = [...extra, 401, 403, 429, 500, 503].map((status) => [
    status,
    { ...problemSchema, description: errorDescriptions[status] },
  ]);
  return { ...success, ...Object.fromEntries(errors) };
}

/** What every admin route says about itself in the OpenAPI document. */
export function describeRoute(summary: string, description?: string) {
  return { tags: ['admin'], security: [{ bearer: [] }], summary, ...(description ? { description } : {}) };
}
