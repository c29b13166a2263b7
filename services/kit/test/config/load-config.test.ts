// Configuration from the environment: typed values, defaults, and every bad variable named in one error.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { baseServiceConfigSchema, ConfigError, env, KitErrorCode, loadConfig } from '../../src/index.js';

const schema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(50051),
  HTTP_PORT: env.port(9451),
  FEATURE_X: env.boolean(false),
});

describe('kit config', () => {
  it('applies defaults and coerces types', () => {
    const config = loadConfig(schema, {
      NATS_URL: 'nats://a:4222, nats://b:4222',
      GRPC_PORT: '6000',
      FEATURE_X: 'yes',
    });
    expect(config.NATS_URL).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(config.GRPC_PORT).toBe(6000);
    expect(config.HTTP_PORT).toBe(9451);
    expect(config.FEATURE_X).toBe(true);
    expect(config.PARLEY_SITE).toBe('local');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig(schema, { GRPC_PORT: '' }).GRPC_PORT).toBe(50051);
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig(schema, { GRPC_PORT: 'abc', PARLEY_SITE: 'Warsaw.1', LOG_LEVEL: 'loud', NATS_URL: 'http://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe(KitErrorCode.CONFIG_INVALID);
    const named = error.problems.map((problem) => problem.split(':')[0]).sort();
    expect(named).toEqual(['GRPC_PORT', 'LOG_LEVEL', 'NATS_URL', 'PARLEY_SITE']);
    expect(error.message).toContain('GRPC_PORT');
    expect(error.message).toContain('got "abc"');
  });

  it('reports a required variable that is missing', () => {
    const strict = z.object({ DATABASE_URL: env.url() });
    expect(() => loadConfig(strict, {})).toThrow(/DATABASE_URL: .*unset/);
  });
});
