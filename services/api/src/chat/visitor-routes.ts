// The web chat channel's public routes (no login: visitors are anonymous): the widget script, starting a chat
// (rate-limited per address, pre-chat answers become interaction attributes) and the visitor's socket. Browsers do
// not apply CORS to WebSockets, so the socket checks the page's Origin against the same allow-list.
import { readFile } from 'node:fs/promises';
import type { Logger } from '@parley/kit';
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { RouteModule } from '../http/app.js';
import { sendProblem } from '../http/problem.js';
import type { ChatConversations } from './chat-conversations.js';
import { serveVisitorSocket, VisitorCloseCode, type VisitorSocketDeps } from './visitor-socket.js';

export interface ChatRouteDeps extends Omit<VisitorSocketDeps, 'onAudit'> {
  chats: ChatConversations;
  audit: AuditLog;
  logger: Logger;
  site: string;
  /** Queues visitors may start chats in; the first is the default. */
  queues: readonly string[];
  startsPerHour: number;
  socketsPerAddress: number;
  /** Origins of pages allowed to embed the widget (the CORS allow-list); empty: any page. */
  allowedOrigins: readonly string[];
}

const widgetFile = new URL('../../widget/parley-chat.js', import.meta.url);

const startBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    email: { type: 'string', format: 'email', maxLength: 254 },
    queue: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
    /** Pre-chat questions and answers, e.g. {"topic":"billing","orderNumber":"A-1234"}. */
    answers: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' },
      additionalProperties: { type: 'string', maxLength: 500 },
    },
  },
} as const;

const startReply = {
  type: 'object',
  properties: {
    chatId: { type: 'string' },
    key: { type: 'string', description: 'proves the visitor when (re)joining; keep it to come back' },
    visitorId: { type: 'string' },
    socket: { type: 'string', description: 'path of the visitor socket' },
  },
} as const;

export function chatRoutes(deps: ChatRouteDeps): RouteModule {
  return async (app: FastifyInstance) => {
    const widget = await readFile(widgetFile, 'utf8');
    app.get(
      '/chat/widget.js',
      { schema: { tags: ['chat'], summary: 'The embeddable chat widget' } },
      (_request, reply) =>
        reply
          .type('application/javascript; charset=utf-8')
          .header('Cache-Control', 'public, max-age=300')
          // Loaded by other sites' pages: helmet's same-origin default would block it.
          .header('Cross-Origin-Resource-Policy', 'cross-origin')
          .send(widget),
    );

    app.post<{ Body: { name: string; email?: string; queue?: string; answers?: Record<string, string> } }>(
      '/chat/v1/chats',
      {
        schema: { tags: ['chat'], summary: 'A visitor starts a chat', body: startBody, response: { 201: startReply } },
        config: { rateLimit: { max: deps.startsPerHour, timeWindow: 60 * 60 * 1000 } },
      },
      async (request, reply) => {
        const queueId = request.body.queue ?? deps.queues[0]!;
        if (!deps.queues.includes(queueId))
          return sendProblem(reply, {
            status: 400,
            kind: 'invalid-request',
            title: 'Bad Request',
            detail: `chats cannot be started in queue "${queueId}"`,
            fields: [{ field: '/body/queue', description: `must be one of ${deps.queues.join(', ')}` }],
          });
        const { chat, key } = await deps.chats.start({
          site: deps.site,
          queueId,
          name: request.body.name,
          email: request.body.email,
          answers: request.body.answers ?? {},
        });
        await deps.audit.record(
          { visitorId: chat.visitorId, address: request.ip, userAgent: request.headers['user-agent']?.slice(0, 200) },
          {
            action: 'chat.start',
            target: `chat/${chat.chatId}`,
            outcome: 'ok',
            site: chat.site,
            detail: `queue ${queueId}`,
          },
        );
        return reply.code(201).send({
          chatId: chat.chatId,
          key,
          visitorId: chat.visitorId,
          socket: `/chat/v1/chats/${chat.chatId}/socket`,
        });
      },
    );

    const socketsByAddress = new Map<string, number>();
    app.get<{ Params: { chatId: string } }>(
      '/chat/v1/chats/:chatId/socket',
      {
        websocket: true,
        schema: {
          tags: ['chat'],
          summary: 'The visitor socket (WebSocket): join with the key, then messages both ways',
          params: { type: 'object', properties: { chatId: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' } } },
        },
      },
      (socket, request) => {
        const origin = request.headers.origin;
        if (origin && deps.allowedOrigins.length > 0 && !deps.allowedOrigins.includes(origin)) {
          socket.close(VisitorCloseCode.unauthenticated, 'this page may not embed the chat');
          return;
        }
        const open = socketsByAddress.get(request.ip) ?? 0;
        if (open >= deps.socketsPerAddress) {
          socket.close(VisitorCloseCode.flooding, 'too many chats from this address');
          return;
        }
        socketsByAddress.set(request.ip, open + 1);
        socket.on('close', () => {
          const left = (socketsByAddress.get(request.ip) ?? 1) - 1;
          if (left > 0) socketsByAddress.set(request.ip, left);
          else socketsByAddress.delete(request.ip);
        });
        serveVisitorSocket(socket, request.params.chatId, {
          ...deps,
          onAudit: (chat, action) =>
            void deps.audit
              .record(
                { visitorId: chat.visitorId, address: request.ip },
                { action, target: `chat/${chat.chatId}`, outcome: 'ok', site: chat.site },
              )
              .catch((error: unknown) => deps.logger.warn({ err: error }, 'audit record not stored')),
        });
      },
    );
  };
}
