// /api/v1/admin/wrap-up-codes, /not-ready-reasons and /sites: routing's short lists. Codes and reasons are created
// or replaced by PUT (platform reasons cannot be changed: 409); sites come from routing's configuration, read-only.
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from './admin-deps.js';
import {
  notReadyReasonBodySchema,
  notReadyReasonSchema,
  notReadyReasonToJson,
  REASON_ID_PATTERN,
  siteSchema,
  siteToJson,
  wrapUpCodeBodySchema,
  wrapUpCodeSchema,
  wrapUpCodeToJson,
  type NotReadyReasonBody,
  type WrapUpCodeBody,
} from './catalogue-json.js';
import { sendRpcProblem } from '../http/rpc-problem.js';
import { describeRoute, idParams, idSchema, responses } from './schema-parts.js';
import { attempt, audited } from './service-call.js';

export function catalogueRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Querystring: { queueId?: string; includeInactive?: boolean } }>(
    '/wrap-up-codes',
    {
      schema: {
        ...describeRoute('List wrap-up codes', 'Active ones by display name, unless includeInactive.'),
        querystring: {
          type: 'object',
          properties: {
            queueId: { ...idSchema, description: 'Only the codes allowed in this queue.' },
            includeInactive: { type: 'boolean' },
          },
          additionalProperties: false,
        },
        response: responses(
          {
            200: {
              description: 'The codes.',
              type: 'object',
              properties: { wrapUpCodes: { type: 'array', items: wrapUpCodeSchema } },
              required: ['wrapUpCodes'],
            },
          },
          [400, 404],
        ),
      },
    },
    async (request, reply) => {
      const { queueId, includeInactive } = request.query;
      const listed = await attempt(
        deps,
        () => deps.routing.listWrapUpCodes({ queueId: queueId ?? '', includeInactive: includeInactive ?? false }),
        { queue_id: '/querystring/queueId' },
      );
      if (!listed.ok) return sendRpcProblem(reply, listed.problem);
      return { wrapUpCodes: listed.value.wrapUpCodes.map(wrapUpCodeToJson) };
    },
  );

  app.put<{ Params: { code: string }; Body: WrapUpCodeBody }>(
    '/wrap-up-codes/:code',
    {
      schema: {
        ...describeRoute('Create or replace a wrap-up code'),
        params: idParams('code', 'The code, e.g. "sale".'),
        body: wrapUpCodeBodySchema,
        response: responses({ 200: { description: 'The stored code.', ...wrapUpCodeSchema } }, [400]),
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { displayName, category, active } = request.body;
      const stored = await audited(deps, request, {
        action: 'wrap_up_code.upsert',
        target: `wrap-up-code/${code}`,
        call: () =>
          deps.routing.upsertWrapUpCode({
            wrapUpCode: { id: code, displayName, category: category ?? '', active: active ?? true },
          }),
        places: { 'wrap_up_code.id': '/params/code', wrap_up_code: '/body' },
      });
      if (!stored.ok) return sendRpcProblem(reply, stored.problem);
      return wrapUpCodeToJson(stored.value.wrapUpCode!);
    },
  );

  app.get(
    '/not-ready-reasons',
    {
      schema: {
        ...describeRoute('List not-ready reasons', 'By id, the platform’s own (system) included.'),
        response: responses({
          200: {
            description: 'The reasons.',
            type: 'object',
            properties: { notReadyReasons: { type: 'array', items: notReadyReasonSchema } },
            required: ['notReadyReasons'],
          },
        }),
      },
    },
    async (_request, reply) => {
      const listed = await attempt(deps, () => deps.routing.listNotReadyReasons({}));
      if (!listed.ok) return sendRpcProblem(reply, listed.problem);
      return { notReadyReasons: listed.value.reasons.map(notReadyReasonToJson) };
    },
  );

  app.put<{ Params: { reasonId: string }; Body: NotReadyReasonBody }>(
    '/not-ready-reasons/:reasonId',
    {
      schema: {
        ...describeRoute('Create or replace a not-ready reason', 'The platform’s own reasons cannot be changed (409).'),
        params: idParams('reasonId', 'The reason, lower_snake_case, e.g. "lunch".', REASON_ID_PATTERN),
        body: notReadyReasonBodySchema,
        response: responses({ 200: { description: 'The stored reason.', ...notReadyReasonSchema } }, [400, 409]),
      },
    },
    async (request, reply) => {
      const { reasonId } = request.params;
      const { displayName, productive } = request.body;
      const stored = await audited(deps, request, {
        action: 'not_ready_reason.upsert',
        target: `not-ready-reason/${reasonId}`,
        call: () =>
          deps.routing.upsertNotReadyReason({
            reason: { code: reasonId, displayName, productive: productive ?? false, system: false },
          }),
        places: { 'reason.code': '/params/reasonId', reason: '/body' },
      });
      if (!stored.ok) return sendRpcProblem(reply, stored.problem);
      return notReadyReasonToJson(stored.value.reason!);
    },
  );

  app.get(
    '/sites',
    {
      schema: {
        ...describeRoute('List sites', 'The sites routing knows, by display name.'),
        response: responses({
          200: {
            description: 'The sites.',
            type: 'object',
            properties: { sites: { type: 'array', items: siteSchema } },
            required: ['sites'],
          },
        }),
      },
    },
    async (_request, reply) => {
      const listed = await attempt(deps, () => deps.routing.listSites({}));
      if (!listed.ok) return sendRpcProblem(reply, listed.problem);
      return { sites: listed.value.sites.map(siteToJson) };
    },
  );
}
