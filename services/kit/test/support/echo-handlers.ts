// Handlers for the kit's test contract, shared by tests and the benchmark.
import { trace } from '@opentelemetry/api';
import { ParleyError, InvalidArgumentError, Status, type ContractHandlers } from '../../src/index.js';
import { type EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';

export function createEchoHandlers(
  replicaId: string,
  store: Map<string, string> = new Map([['known', 'value']]),
): ContractHandlers<typeof EchoServiceService> {
  return {
    async echo(request, context) {
      if (request.delayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, request.delayMs));
      }
      if (request.failWithCode !== 0) {
        throw new ParleyError('PARLEY_KITTEST_REQUESTED_FAILURE', `failing as asked with ${request.failWithCode}`, {
          status: request.failWithCode as Status,
          domain: 'kittest',
          metadata: { asked: String(request.failWithCode) },
        });
      }
      return {
        text: request.text,
        replicaId,
        traceId: trace.getActiveSpan()?.spanContext().traceId ?? '',
        metadata: { ...context.metadata },
        transport: context.transport,
      };
    },
    async lookup(request) {
      if (request.key === '') {
        throw new InvalidArgumentError('PARLEY_KITTEST_KEY_REQUIRED', [{ field: 'key', description: 'is required' }], {
          domain: 'kittest',
        });
      }
      const value = store.get(request.key);
      if (value === undefined) {
        throw new ParleyError('PARLEY_KITTEST_KEY_NOT_FOUND', `no key "${request.key}"`, {
          status: Status.NOT_FOUND,
          domain: 'kittest',
          metadata: { key: request.key },
        });
      }
      return { value };
    },
    async *count(request) {
      for (let value = 1; value <= request.n; value++) yield { value };
    },
  };
}
