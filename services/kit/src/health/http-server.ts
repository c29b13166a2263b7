// The ops HTTP port: /healthz (liveness), /readyz (readiness with each check), /metrics (Prometheus).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from './readiness.js';

export interface HealthServerOptions {
  host: string;
  port: number;
  readiness: Readiness;
  metrics?: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    void route(options, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => (closing ??= closeServer(server)),
  };
}

async function route(options: HealthServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: 'method not allowed' });
    return;
  }
  switch (path) {
    case '/healthz':
      sendJson(response, 200, { status: 'ok' });
      return;
    case '/readyz': {
      const { ready, checks } = await options.readiness.evaluate();
      sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      return;
    }
    case '/metrics':
      if (options.metrics) {
        options.metrics(request, response);
        return;
      }
      sendJson(response, 404, { error: 'metrics are not enabled' });
      return;
    default:
      sendJson(response, 404, { error: 'not found' });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
