// /api/v1/admin/queues: routing's queues listed, read, created or replaced (PUT), deleted.
import { ListQueuesRequest } from '@parley/protos/parley/routing/v1/routing';
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from './admin-deps.js';
import { channel, channelSchema } from './channel-json.js';
import { queueBodySchema, queueFromBody, queueSchema, queueToJson, type QueueBody } from './queue-json.js';
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

interface QueueParams {
  queueId: string;
}

const params = idParams('queueId', 'The queue.');
// Routing names the queue's fields `queue.*`; its id is the path's.
const places = { 'queue.id': '/params/queueId', queue: '/body', queue_id: '/params/queueId' };

export function queueRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Querystring: PagingQuery & { siteId?: string; channel?: string } }>(
    '/queues',
    {
      schema: {
        ...describeRoute('List queues', 'By display name; filtered by a site its agents come from or a channel.'),
        querystring: {
          type: 'object',
          properties: { siteId: idSchema, channel: channelSchema, ...pagingQuery },
          additionalProperties: false,
        },
        response: responses(
          {
            200: {
              description: 'A page of queues.',
              type: 'object',
              properties: { queues: { type: 'array', items: queueSchema }, nextPageToken: nextPageTokenSchema },
              required: ['queues', 'nextPageToken'],
            },
          },
          [400],
        ),
      },
    },
    async (request, reply) => {
      const { siteId, pageSize, pageToken } = request.query;
      const listed = await attempt(
        deps,
        () =>
          deps.routing.listQueues(
            ListQueuesRequest.fromPartial({
              siteId: siteId ?? '',
              ...(request.query.channel ? { channel: channel.fromJson(request.query.channel) } : {}),
              paging: { pageSize: pageSize ?? 0, pageToken: pageToken ?? '' },
            }),
          ),
        { ...pagingPlaces, site_id: '/querystring/siteId', channel: '/querystring/channel' },
      );
      if (!listed.ok) return sendRpcProblem(reply, listed.problem);
      return {
        queues: listed.value.queues.map(queueToJson),
        nextPageToken: listed.value.pageInfo?.nextPageToken ?? '',
      };
    },
  );

  app.get<{ Params: QueueParams }>(
    '/queues/:queueId',
    {
      schema: {
        ...describeRoute('Read a queue'),
        params,
        response: responses({ 200: { description: 'The queue.', ...queueSchema } }, [400, 404]),
      },
    },
    async (request, reply) => {
      const read = await attempt(deps, () => deps.routing.getQueue({ queueId: request.params.queueId }), places);
      if (!read.ok) return sendRpcProblem(reply, read.problem);
      return queueToJson(read.value.queue!);
    },
  );

  app.put<{ Params: QueueParams; Body: QueueBody }>(
    '/queues/:queueId',
    {
      schema: {
        ...describeRoute(
          'Create or replace a queue',
          'Replaces every setting (leave one out and it takes its default). Waiting interactions stay and are ' +
            'matched under the new rules. Skills expressions are checked; a bad one is a 400 naming the field.',
        ),
        params,
        body: queueBodySchema,
        response: responses({ 200: { description: 'The stored queue.', ...queueSchema } }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      const { queueId } = request.params;
      const { expectedRevision, ...settings } = request.body;
      const stored = await audited(deps, request, {
        action: 'queue.upsert',
        target: `queue/${queueId}`,
        site: settings.siteIds?.[0],
        call: () =>
          deps.routing.upsertQueue({
            queue: queueFromBody(queueId, settings),
            expectedRevision: expectedRevision ?? 0,
          }),
        places,
        describe: (value) => `revision ${value.queue?.revision}`,
      });
      if (!stored.ok) return sendRpcProblem(reply, stored.problem);
      return queueToJson(stored.value.queue!);
    },
  );

  app.delete<{ Params: QueueParams }>(
    '/queues/:queueId',
    {
      schema: {
        ...describeRoute(
          'Delete a queue',
          'Refused (409) while interactions wait in it or another queue overflows to it.',
        ),
        params,
        response: responses({ 204: { description: 'Deleted.', type: 'null' } }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      const { queueId } = request.params;
      const deleted = await audited(deps, request, {
        action: 'queue.delete',
        target: `queue/${queueId}`,
        call: () => deps.routing.deleteQueue({ queueId }),
        places,
      });
      if (!deleted.ok) return sendRpcProblem(reply, deleted.problem);
      return reply.code(204).send();
    },
  );
}
