// The agent desktop's REST reads: what the agent may pick (not-ready reasons, wrap-up codes) and the agent's own
// recent interactions from history. The history is the agent's own (agents only); the catalogue is read by
// supervisors and admins too (forcing an agent not ready names a reason). A service that cannot be reached answers
// 503 through the app's error handler.
import type { Logger, RpcClient } from '@parley/kit';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import {
  GetCustomerTimelineRequest,
  SearchInteractionsRequest,
  type Customer,
  type HistoryServiceService,
  type InteractionSummary,
} from '@parley/protos/parley/history/v1/history';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import type { FastifyInstance } from 'fastify';
import pLimit from 'p-limit';
import { jsonEnum } from '../admin/json-enum.js';
import { ID_PATTERN, problemSchema } from '../admin/schema-parts.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { ChatConversations } from '../chat/chat-conversations.js';
import type { RouteModule } from '../http/app.js';
import { authenticate } from '../http/authenticate.js';

export interface AgentRoutesDeps {
  verifier: TokenVerifier;
  routing: RpcClient<typeof RoutingServiceService>;
  history: RpcClient<typeof HistoryServiceService>;
  /** The web chat's records: a chat visitor's name, which history does not keep. */
  chats?: ChatConversations;
  logger: Logger;
}

const PREFIX = '/api/v1/agent';
const DAY_MS = 86_400_000;

const channel = jsonEnum<Channel>(Channel, 'CHANNEL_', { zero: 'unspecified' });
const direction = jsonEnum<Direction>(Direction, 'DIRECTION_', { zero: 'unspecified' });
const state = jsonEnum<InteractionState>(InteractionState, 'INTERACTION_STATE_', { zero: 'unspecified' });

const errors = Object.fromEntries(
  (
    [
      [400, 'The query is not valid; `fields` names each bad field.'],
      [401, 'No bearer token, or one that does not verify.'],
      [403, 'The token lacks a role this route admits.'],
      [429, 'Too many requests.'],
      [500, 'Our fault.'],
      [503, 'Routing or history is unavailable or did not answer in time; retry shortly (Retry-After).'],
    ] as const
  ).map(([status, description]) => [status, { ...problemSchema, description }]),
);

const timestamp = { type: 'string', format: 'date-time' } as const;

const catalogueSchema = {
  description: 'What the agent may pick.',
  type: 'object',
  properties: {
    notReadyReasons: {
      type: 'array',
      description:
        "Reasons for NOT_READY (the socket's `state` message takes `code` as `reasonId`); platform ones left out.",
      items: {
        type: 'object',
        properties: { code: { type: 'string' }, name: { type: 'string' } },
        required: ['code', 'name'],
      },
    },
    wrapUpCodes: {
      type: 'array',
      description: "Active wrap-up codes (the socket's `wrap_up` message takes `id` as `code`), by name.",
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' } },
        required: ['id', 'name', 'category'],
      },
    },
  },
  required: ['notReadyReasons', 'wrapUpCodes'],
} as const;

const historyItemSchema = {
  type: 'object',
  properties: {
    interactionId: { type: 'string' },
    channel: { type: 'string', enum: channel.names },
    direction: { type: 'string', enum: direction.names },
    state: { type: 'string', description: 'The last known state: completed, abandoned, wrap_up, connected, …' },
    createdAt: timestamp,
    connectedAt: timestamp,
    endedAt: timestamp,
    queueId: { type: 'string' },
    customer: {
      type: 'object',
      description: "History's record of the customer; empty strings where unknown.",
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        phoneNumber: { type: 'string' },
        email: { type: 'string' },
      },
      required: ['id', 'name', 'phoneNumber', 'email'],
    },
    wrapUpCodeId: { type: 'string', description: 'The disposition; empty if none.' },
    durations: {
      type: 'object',
      description: 'Milliseconds.',
      properties: {
        waitMs: { type: 'integer' },
        talkMs: { type: 'integer' },
        holdMs: { type: 'integer' },
        wrapUpMs: { type: 'integer' },
        handleMs: { type: 'integer' },
      },
      required: ['waitMs', 'talkMs', 'holdMs', 'wrapUpMs', 'handleMs'],
    },
  },
  required: ['interactionId', 'channel', 'direction', 'state', 'createdAt', 'customer', 'wrapUpCodeId', 'durations'],
} as const;

export function agentRoutes(deps: AgentRoutesDeps): RouteModule {
  return async (app: FastifyInstance) => {
    const onRequest = authenticate(deps.verifier, ['agent']);
    const describe = { tags: ['agent'], security: [{ bearer: [] }] };
    await app.register(
      async (scope) => {
        scope.get<{ Querystring: { queueId?: string } }>(
          '/catalogue',
          {
            onRequest: authenticate(deps.verifier, ['agent', 'supervisor', 'admin']),
            schema: {
              ...describe,
              summary: 'Not-ready reasons and wrap-up codes the agent may pick',
              querystring: {
                type: 'object',
                properties: {
                  queueId: {
                    type: 'string',
                    pattern: ID_PATTERN,
                    description: 'Only the wrap-up codes allowed in this queue.',
                  },
                },
                additionalProperties: false,
              },
              response: { 200: catalogueSchema, ...errors, 404: { ...problemSchema, description: 'No such queue.' } },
            },
          },
          async (request) => {
            const [reasons, codes] = await Promise.all([
              deps.routing.listNotReadyReasons({}),
              deps.routing.listWrapUpCodes({ queueId: request.query.queueId ?? '', includeInactive: false }),
            ]);
            return {
              notReadyReasons: reasons.reasons
                .filter((reason) => !reason.system)
                .map((reason) => ({ code: reason.code, name: reason.displayName })),
              wrapUpCodes: codes.wrapUpCodes
                .filter((code) => code.active)
                .map((code) => ({ id: code.id, name: code.displayName, category: code.category })),
            };
          },
        );

        scope.get<{ Querystring: { limit: number; days: number } }>(
          '/history',
          {
            onRequest,
            schema: {
              ...describe,
              summary: "The calling agent's recent interactions, newest first",
              querystring: {
                type: 'object',
                properties: {
                  limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
                  days: { type: 'integer', minimum: 1, maximum: 366, default: 30, description: 'How far back.' },
                },
                additionalProperties: false,
              },
              response: {
                200: {
                  description: "The agent's interactions (any segment), newest first.",
                  type: 'object',
                  properties: { items: { type: 'array', items: historyItemSchema } },
                  required: ['items'],
                },
                ...errors,
              },
            },
          },
          async (request) => {
            const { limit, days } = request.query;
            const { hits } = await deps.history.searchInteractions(
              SearchInteractionsRequest.fromPartial({
                filter: {
                  timeRange: { start: new Date(Date.now() - days * DAY_MS) },
                  agentIds: [request.principal!.username],
                },
                paging: { pageSize: limit },
              }),
            );
            const summaries = hits.flatMap((hit) => (hit.interaction ? [hit.interaction] : []));
            const customers = await customersOf(deps, summaries);
            const visitors = await chatVisitorsOf(deps, summaries, customers);
            return { items: summaries.map((summary) => historyItem(summary, customers, visitors)) };
          },
        );
      },
      { prefix: PREFIX },
    );
  };
}

/**
 * History's summaries name the customer by id only: each distinct customer's record (name, first phone number and
 * e-mail) is read once, a few at a time. A record that cannot be read leaves empty strings, not a failed list.
 */
async function customersOf(deps: AgentRoutesDeps, summaries: InteractionSummary[]): Promise<Map<string, Customer>> {
  const ids = [...new Set(summaries.map((summary) => summary.interaction?.customer?.customerId ?? ''))].filter(Boolean);
  const limit = pLimit(8);
  const found = new Map<string, Customer>();
  await Promise.all(
    ids.map((customerId) =>
      limit(async () => {
        try {
          const { customer } = await deps.history.getCustomerTimeline(
            GetCustomerTimelineRequest.fromPartial({ customer: { customerId }, paging: { pageSize: 1 } }),
          );
          if (customer) found.set(customerId, customer);
        } catch (error) {
          deps.logger.debug({ err: error, customerId }, 'customer not read for the agent history');
        }
      }),
    ),
  );
  return found;
}

/**
 * History keeps no name from a chat's pre-chat form (only customer records carry names): the name the visitor gave
 * is read from the chat's own record while it is kept (API chat storage, a week by default).
 */
async function chatVisitorsOf(
  deps: AgentRoutesDeps,
  summaries: InteractionSummary[],
  customers: Map<string, Customer>,
): Promise<Map<string, string>> {
  const { chats } = deps;
  const unnamed = summaries
    .map((summary) => summary.interaction!)
    .filter(
      (interaction) =>
        interaction.channel === Channel.CHANNEL_CHAT &&
        !customers.get(interaction.customer?.customerId ?? '')?.displayName &&
        !interaction.customer?.displayName,
    );
  const names = new Map<string, string>();
  if (!chats) return names;
  const limit = pLimit(8);
  await Promise.all(
    unnamed.map(({ id }) =>
      limit(async () => {
        const chat = await chats.get(id).catch(() => undefined);
        if (chat?.visitorName) names.set(id, chat.visitorName);
      }),
    ),
  );
  return names;
}

function historyItem(summary: InteractionSummary, customers: Map<string, Customer>, visitors: Map<string, string>) {
  const interaction = summary.interaction!;
  const identity = interaction.customer;
  const record = customers.get(identity?.customerId ?? '');
  const times = interaction.timestamps;
  const durations = summary.durations;
  return {
    interactionId: interaction.id,
    channel: channel.toJson(interaction.channel),
    direction: direction.toJson(interaction.direction),
    state: state.toJson(interaction.state),
    createdAt: times?.createdAt?.toISOString() ?? new Date(0).toISOString(),
    ...(times?.connectedAt ? { connectedAt: times.connectedAt.toISOString() } : {}),
    ...(times?.endedAt ? { endedAt: times.endedAt.toISOString() } : {}),
    ...(interaction.queueId ? { queueId: interaction.queueId } : {}),
    customer: {
      id: record?.id ?? identity?.customerId ?? '',
      name: record?.displayName || identity?.displayName || visitors.get(interaction.id) || '',
      phoneNumber: record?.phoneNumbers[0] ?? identity?.phoneNumber ?? '',
      email: record?.emails[0] ?? identity?.email ?? '',
    },
    wrapUpCodeId: summary.wrapUpCodeId,
    durations: {
      waitMs: durations?.waitMs ?? 0,
      talkMs: durations?.talkMs ?? 0,
      holdMs: durations?.holdMs ?? 0,
      wrapUpMs: durations?.wrapUpMs ?? 0,
      handleMs: durations?.handleMs ?? 0,
    },
  };
}
