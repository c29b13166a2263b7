// /api/v1/admin/flows: the SIP gateway's IVR flows, listed (latest versions), read (latest or a given version) and
// stored as a new version (PUT). The gateway validates every document; its problems come back as a 400 naming each
// bad place by its JSON pointer in the body, e.g. /body/document/nodes/welcome/next.
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { ListFlowsRequest, PutFlowRequest } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from './admin-deps.js';
import {
  FLOW_ID_PATTERN,
  flowBodySchema,
  flowSchema,
  flowSummarySchema,
  flowSummaryToJson,
  flowToJson,
  type FlowBody,
} from './flow-json.js';
import { sendRpcProblem } from '../http/rpc-problem.js';
import {
  describeRoute,
  idParams,
  nextPageTokenSchema,
  pagingPlaces,
  pagingQuery,
  responses,
  type PagingQuery,
} from './schema-parts.js';
import { attempt, audited } from './service-call.js';

interface FlowParams {
  flowId: string;
}

const params = idParams('flowId', 'The flow.', FLOW_ID_PATTERN);
const places = {
  'flow.id': '/params/flowId',
  'flow.document_json': '/body/document',
  flow: '/body',
  flow_id: '/params/flowId',
  version: '/querystring/version',
};

export function flowRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Querystring: PagingQuery }>(
    '/flows',
    {
      schema: {
        ...describeRoute('List flows', 'The latest version of each, by display name, without documents.'),
        querystring: { type: 'object', properties: { ...pagingQuery }, additionalProperties: false },
        response: responses(
          {
            200: {
              description: 'A page of flows.',
              type: 'object',
              properties: { flows: { type: 'array', items: flowSummarySchema }, nextPageToken: nextPageTokenSchema },
              required: ['flows', 'nextPageToken'],
            },
          },
          [400],
        ),
      },
    },
    async (request, reply) => {
      const { pageSize, pageToken } = request.query;
      const listed = await attempt(
        deps,
        () =>
          deps.sipGateway.listFlows(
            ListFlowsRequest.fromPartial({ paging: { pageSize: pageSize ?? 0, pageToken: pageToken ?? '' } }),
          ),
        pagingPlaces,
      );
      if (!listed.ok) return sendRpcProblem(reply, listed.problem);
      return {
        flows: listed.value.flows.map(flowSummaryToJson),
        nextPageToken: listed.value.pageInfo?.nextPageToken ?? '',
      };
    },
  );

  app.get<{ Params: FlowParams; Querystring: { version?: number } }>(
    '/flows/:flowId',
    {
      schema: {
        ...describeRoute('Read a flow', 'The latest version, or the one asked for.'),
        params,
        querystring: {
          type: 'object',
          properties: { version: { type: 'integer', minimum: 1, description: 'Default: the latest.' } },
          additionalProperties: false,
        },
        response: responses({ 200: { description: 'The flow version.', ...flowSchema } }, [400, 404]),
      },
    },
    async (request, reply) => {
      const { flowId } = request.params;
      const read = await attempt(
        deps,
        () => deps.sipGateway.getFlow({ flowId, version: request.query.version ?? 0 }),
        places,
      );
      if (!read.ok) return sendRpcProblem(reply, read.problem);
      return flowToJson(read.value.flow!);
    },
  );

  app.put<{ Params: FlowParams; Body: FlowBody }>(
    '/flows/:flowId',
    {
      schema: {
        ...describeRoute(
          'Store a new version of a flow',
          'New calls run it; calls in progress keep theirs. A document the gateway finds wrong is a 400 naming ' +
            'each problem by its place in the body.',
        ),
        params,
        body: flowBodySchema,
        response: responses({ 200: { description: 'The stored version.', ...flowSchema } }, [400, 409]),
      },
    },
    async (request, reply) => {
      const { flowId } = request.params;
      const { displayName, document, expectedVersion } = request.body;
      const principal = request.principal!;
      const stored = await audited(deps, request, {
        action: 'flow.upsert',
        target: `flow/${flowId}`,
        call: () =>
          deps.sipGateway.putFlow(
            PutFlowRequest.fromPartial({
              flow: { id: flowId, displayName, documentJson: JSON.stringify(document) },
              expectedVersion: expectedVersion ?? 0,
              actor: { kind: ActorKind.ACTOR_KIND_ADMIN, id: principal.subject, displayName: principal.username },
            }),
          ),
        places,
        describe: (value) => `version ${value.flow?.version}`,
      });
      if (!stored.ok) return sendRpcProblem(reply, stored.problem);
      return flowToJson(stored.value.flow!);
    },
  );
}
