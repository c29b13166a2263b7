// The admin REST's pure pieces, no I/O: service errors as problem documents (gRPC status → HTTP status, field
// violations → the request's JSON pointers), proto enums as words, and unknown body properties found by pointer.
import { InvalidArgumentError, ParleyError, RpcError, Status } from '@parley/kit';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { OverflowAction, RoutingStrategy } from '@parley/protos/parley/common/v1/queue';
import { describe, expect, it } from 'vitest';
import { jsonEnum } from '../../src/admin/json-enum.js';
import { requestPointer, rpcProblem } from '../../src/http/rpc-problem.js';

const failed = (status: Status, message = 'it failed') => new RpcError('/parley.test.v1.T/M', status, message);

describe('rpc problems', () => {
  it('answers each gRPC status with the HTTP status a REST client expects', () => {
    const cases: [Status, number, string][] = [
      [Status.INVALID_ARGUMENT, 400, 'invalid-request'],
      [Status.OUT_OF_RANGE, 400, 'invalid-request'],
      [Status.UNAUTHENTICATED, 401, 'unauthorized'],
      [Status.PERMISSION_DENIED, 403, 'forbidden'],
      [Status.NOT_FOUND, 404, 'not-found'],
      [Status.ALREADY_EXISTS, 409, 'conflict'],
      [Status.FAILED_PRECONDITION, 409, 'conflict'],
      [Status.ABORTED, 409, 'conflict'],
      [Status.RESOURCE_EXHAUSTED, 429, 'too-many-requests'],
      [Status.UNIMPLEMENTED, 501, 'not-implemented'],
      [Status.UNAVAILABLE, 503, 'unavailable'],
      [Status.DEADLINE_EXCEEDED, 503, 'unavailable'],
      [Status.CANCELLED, 503, 'unavailable'],
    ];
    for (const [status, http, kind] of cases) {
      expect([status, rpcProblem(failed(status, 'queue "x" holds 2 interactions'))]).toEqual([
        status,
        expect.objectContaining({ status: http, kind, detail: 'queue "x" holds 2 interactions' }),
      ]);
    }
  });

  it('keeps what went wrong on our side to itself: a generic 500', () => {
    for (const error of [failed(Status.INTERNAL, 'database password wrong'), new TypeError('x is undefined'), 'text']) {
      expect(rpcProblem(error)).toEqual({
        status: 500,
        kind: 'internal',
        title: 'Internal Server Error',
        detail: 'something went wrong on our side',
      });
    }
  });

  it('names field violations by the request’s JSON pointers', () => {
    const error = new InvalidArgumentError('PARLEY_ROUTING_INVALID_ARGUMENT', [
      { field: 'agent.capacities[0].max_concurrent', description: 'must be an integer from 0 to 100' },
      { field: 'agent.id', description: 'must be at most 128 characters' },
    ]);
    expect(rpcProblem(error, { 'agent.id': '/params/agentId', agent: '/body' }).fields).toEqual([
      { field: '/body/capacities/0/maxConcurrent', description: 'must be an integer from 0 to 100' },
      { field: '/params/agentId', description: 'must be at most 128 characters' },
    ]);
    expect(rpcProblem(new ParleyError('X', 'gone', { status: Status.NOT_FOUND })).fields).toBeUndefined();
  });

  it('keeps a JSON pointer inside a field as it is, and camel-cases only proto names', () => {
    const places = { 'flow.document_json': '/body/document', flow: '/body' };
    expect(requestPointer('flow.document_json/nodes/say_hi/next', places)).toBe('/body/document/nodes/say_hi/next');
    expect(requestPointer('flow.display_name', places)).toBe('/body/displayName');
    expect(requestPointer('queue.steps[2].skills_expression', { queue: '/body' })).toBe(
      '/body/steps/2/skillsExpression',
    );
    // The longest prefix wins; unmapped paths are still pointers.
    expect(requestPointer('queue_id', { queue: '/body', queue_id: '/params/queueId' })).toBe('/params/queueId');
    expect(requestPointer('paging.page_size', {})).toBe('/paging/pageSize');
  });
});

describe('proto enums as words', () => {
  it('drops the prefix, lower-cases, and names zero only when asked', () => {
    const channel = jsonEnum<Channel>(Channel, 'CHANNEL_');
    expect(channel.names).toEqual(['voice', 'chat', 'email', 'callback']);
    expect(channel.toJson(Channel.CHANNEL_VOICE)).toBe('voice');
    expect(channel.fromJson('email')).toBe(Channel.CHANNEL_EMAIL);
    expect(() => channel.fromJson('unspecified')).toThrow(/not one of/);
    expect(channel.toJson(Channel.UNRECOGNIZED)).toBe('unrecognized');

    const action = jsonEnum<OverflowAction>(OverflowAction, 'OVERFLOW_ACTION_', { zero: 'none' });
    expect(action.names).toContain('none');
    expect(action.fromJson('none')).toBe(OverflowAction.OVERFLOW_ACTION_UNSPECIFIED);
    expect(action.toJson(OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE)).toBe('transfer_to_queue');

    // Zero shown as what it is treated as; that name still means its own value on input.
    const strategy = jsonEnum<RoutingStrategy>(RoutingStrategy, 'ROUTING_STRATEGY_', { zero: 'longest_idle' });
    expect(strategy.toJson(RoutingStrategy.ROUTING_STRATEGY_UNSPECIFIED)).toBe('longest_idle');
    expect(strategy.fromJson('longest_idle')).toBe(RoutingStrategy.ROUTING_STRATEGY_LONGEST_IDLE);

    const capacity = jsonEnum<Channel>(Channel, 'CHANNEL_', { exclude: [Channel.CHANNEL_CALLBACK] });
    expect(capacity.names).toEqual(['voice', 'chat', 'email']);
    expect(capacity.toJson(Channel.CHANNEL_CALLBACK)).toBe('callback');
  });
});
