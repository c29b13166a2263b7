// Default ports of every Parley service, in one place so services, the local runner, the Helm chart and README
// agree. Each service's config reads GRPC_PORT / HTTP_PORT (the ops port: health, metrics) and falls back to these.
// The API's public HTTP port (web client, REST, WebSocket) is its own: `apiPublicPort`.
export const apiPublicPort = 8080;

export const servicePorts = {
  api: { grpc: 50050, http: 9450 },
  routing: { grpc: 50051, http: 9451 },
  history: { grpc: 50052, http: 9452 },
  'sip-gateway': { grpc: 50053, http: 9453 },
  media: { grpc: 50054, http: 9454 },
  recording: { grpc: 50055, http: 9455 },
  reporting: { grpc: 50056, http: 9456 },
} as const satisfies Record<string, { grpc: number; http: number }>;

export type ServiceName = keyof typeof servicePorts;
