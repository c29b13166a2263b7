// A queue's decision hook at the contract boundary: a publishable NATS subject and a deadline within bounds.
import { describe, expect, it } from 'vitest';
import { Status } from '@parley/kit';
import { context, protoQueue, setup } from './harness.js';

async function upsert(subject: string, timeoutMs = 0) {
  const { handlers, engine } = setup();
  const queue = protoQueue({ id: 'q', decisionHookSubject: subject, decisionHookTimeoutMs: timeoutMs });
  const error = await handlers.upsertQueue({ queue, expectedRevision: 0 }, context).then(
    () => undefined,
    (e: unknown) => e as { status: number; fieldViolations: { field: string; description: string }[] },
  );
  return { error, config: engine.queues.get('q') };
}

describe('queue decision hooks at the contract', () => {
  it('accepts a hook subject and defaults its deadline to 200 ms', async () => {
    const { error, config } = await upsert('acme.routing.hooks.support-v2');
    expect(error).toBeUndefined();
    expect(config?.decisionHook).toEqual({ subject: 'acme.routing.hooks.support-v2', timeoutMs: 200 });
  });

  it('leaves a queue without a subject without a hook', async () => {
    expect((await upsert('')).config?.decisionHook).toBeUndefined();
  });

  it('accepts deadlines from 10 to 5,000 ms', async () => {
    expect((await upsert('hooks.q', 10)).config?.decisionHook?.timeoutMs).toBe(10);
    expect((await upsert('hooks.q', 5_000)).config?.decisionHook?.timeoutMs).toBe(5_000);
  });

  it.each([9, 5_001, -1])('refuses a %i ms deadline, naming the field', async (timeoutMs) => {
    const { error, config } = await upsert('hooks.q', timeoutMs);
    expect(error?.status).toBe(Status.INVALID_ARGUMENT);
    expect(error?.fieldViolations.map((v) => v.field)).toEqual(['queue.decision_hook_timeout_ms']);
    expect(config).toBeUndefined();
  });

  it.each([
    'hooks.*',
    'hooks.>',
    '>',
    'hooks.q*',
    'hooks .q',
    'hooks.\tq',
    'hooks..q',
    '.hooks',
    'hooks.',
    'x'.repeat(257),
  ])('refuses the subject %j, naming the field', async (subject) => {
    const { error, config } = await upsert(subject);
    expect(error?.status).toBe(Status.INVALID_ARGUMENT);
    expect(error?.fieldViolations).toEqual([
      { field: 'queue.decision_hook_subject', description: expect.stringContaining('NATS subject') },
    ]);
    expect(config).toBeUndefined();
  });
});
