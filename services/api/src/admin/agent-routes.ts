// /api/v1/admin/agents: routing's agents (site, teams, skills, capacity per channel) listed with their live status,
// read, created or replaced (PUT), deleted.
import { ListAgentsRequest } from '@parley/protos/parley/routing/v1/routing';
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from './admin-deps.js';
import { agentBodySchema, agentFromBody, agentSchema, agentState, agentToJson, type AgentBody } from './agent-json.js';
import { sendRpcProblem } from '../http/rpc-problem.js';
import {
  describeRoute,
  idParams,
  idSchema,
  nextPageTokenSchema,
  pagingPlaces,
  pagingQuery,
  responses,
  type PagingQuery,
} from './schema-parts.js';
import { attempt, audited } from './service-call.js';

interface AgentParams {
  agentId: string;
}

interface AgentQuery extends PagingQuery {
  siteId?: string;
  teamId?: string;
  state?: string[];
}

const params = idParams('agentId', 'The agent (their login user name).');
const places = { 'agent.id': '/params/agentId', agent: '/body', agent_id: '/params/agentId' };

export function agentRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Querystring: AgentQuery }>(
    '/agents',
    {
      schema: {
        ...describeRoute('List agents', 'By display name, with live status; filtered by site, team or states.'),
        querystring: {
          type: 'object',
          properties: {
            siteId: idSchema,
            teamId: idSchema,
            state: {
              type: 'array',
              items: { type: 'string', enum: agentState.names },
              maxItems: 6,
              description: 'Only agents in these states (repeat the parameter for several).',
            },
            ...pagingQuery,
          },
          additionalProperties: false,
        },
        response: responses(
          {
            200: {
              description: 'A page of agents.',
              type: 'object',
              properties: { agents: { type: 'array', items: agentSchema }, nextPageToken: nextPageTokenSchema },
              required: ['agents', 'nextPageToken'],
            },
          },
          [400],
        ),
      },
    },
    async (request, reply) => {
      const { siteId, teamId, state, pageSize, pageToken } = request.query;
      const listed = await attempt(
        deps,
        () =>
          deps.routing.listAgents(
            ListAgentsRequest.fromPartial({
              siteId: siteId ?? '',
              teamId: teamId ?? '',
              states: (state ?? []).map(agentState.fromJson),
              paging: { pageSize: pageSize ?? 0, pageToken: pageToken ?? '' },
            }),
          ),
        {
          ...pagingPlaces,
          site_id: '/querystring/siteId',
          team_id: '/querystring/teamId',
          states: '/querystring/state',
        },
      );
      if (!listed.ok) return sendRpcProblem(reply, listed.problem);
      return {
        agents: listed.value.agents.map(agentToJson),
        nextPageToken: listed.value.pageInfo?.nextPageToken ?? '',
      };
    },
  );

  app.get<{ Params: AgentParams }>(
    '/agents/:agentId',
    {
      schema: {
        ...describeRoute('Read an agent', 'Configuration and live status.'),
        params,
        response: responses({ 200: { description: 'The agent.', ...agentSchema } }, [400, 404]),
      },
    },
    async (request, reply) => {
      const read = await attempt(deps, () => deps.routing.getAgent({ agentId: request.params.agentId }), places);
      if (!read.ok) return sendRpcProblem(reply, read.problem);
      return agentToJson(read.value.agent!);
    },
  );

  app.put<{ Params: AgentParams; Body: AgentBody }>(
    '/agents/:agentId',
    {
      schema: {
        ...describeRoute(
          'Create or replace an agent',
          'Replaces the configuration (leave a setting out and it takes its default); live status is untouched and ' +
            'capacity changes apply from the next offer.',
        ),
        params,
        body: agentBodySchema,
        response: responses({ 200: { description: 'The stored agent.', ...agentSchema } }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      const { agentId } = request.params;
      const { expectedRevision, ...settings } = request.body;
      const stored = await audited(deps, request, {
        action: 'agent.upsert',
        target: `agent/${agentId}`,
        site: settings.siteId,
        call: () =>
          deps.routing.upsertAgent({
            agent: agentFromBody(agentId, settings),
            expectedRevision: expectedRevision ?? 0,
          }),
        places,
        describe: (value) => `revision ${value.agent?.revision}`,
      });
      if (!stored.ok) return sendRpcProblem(reply, stored.problem);
      return agentToJson(stored.value.agent!);
    },
  );

  app.delete<{ Params: AgentParams }>(
    '/agents/:agentId',
    {
      schema: {
        ...describeRoute('Delete an agent', 'Refused (409) while the agent is logged in; history keeps their work.'),
        params,
        response: responses({ 204: { description: 'Deleted.', type: 'null' } }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      const { agentId } = request.params;
      const deleted = await audited(deps, request, {
        action: 'agent.delete',
        target: `agent/${agentId}`,
        call: () => deps.routing.deleteAgent({ agentId }),
        places,
      });
      if (!deleted.ok) return sendRpcProblem(reply, deleted.problem);
      return reply.code(204).send();
    },
  );
}
