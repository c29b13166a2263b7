// Test harness for every package: real NATS and PostgreSQL on loopback, isolated per test file.
export { uniqueName } from './unique-name.js';
export { freePort } from './free-port.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
export { testNatsUrl, testDatabaseAdminUrl } from './infrastructure.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { createTestEventStreams, type TestEventStreams } from './test-event-streams.js';
export { enableTestTracing } from './test-tracing.js';
export { startPrivateNatsServer, type PrivateNatsServer } from './private-nats-server.js';
export { setSpanRecording } from '../telemetry/span-recording.js';
export { retryWhileUnavailable } from './retry.js';
