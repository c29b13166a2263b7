// Handlers for the kit's test contract, shared by tests and the benchmark.
import { trace } from '@opentelemetry/api';
import { ParleyError, InvalidArgumentError, Status, type ContractHandlers } from '../../src/index.js';
import { type EchoServiceService } from '../protos/gen/ts/parley/kittest/v1/echo.js';

export interface EchoHooks {
  /** Called when a Count stream's handler ends, however it ends, with how many items it produced. */
  countFinished?: (produced: number) => void;
}

export function createEchoHandlers(
  replicaId: string,
  store: Map<string, string> = new Map([['known', 'value']]),
  hooks: EchoHooks = {},
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
        // "fraction" asks for a response the codec refuses (an int32 field holding 1.5).
        sequence: request.text === 'fraction' ? 1.5 : 0,
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
      let produced = 0;
      try {
        for (let value = 1; value <= request.n; value++) {
          if (request.failAfter > 0 && produced === request.failAfter) {
            throw new ParleyError('PARLEY_KITTEST_COUNT_FAILED', `failing after ${produced}`, {
              status: Status.NOT_FOUND,
            });
          }
          if (request.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, request.intervalMs));
          produced++;
          yield { value };
        }
      } finally {
        hooks.countFinished?.(produced);
      }
    },
  };
}
