// Every kit error code is documented, and errors map onto HTTP the way the edge will answer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asParleyError, httpStatusFor, KitErrorCode, ParleyError, Status } from '../../src/index.js';

describe('kit errors', () => {
  it('documents every error code in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of Object.values(KitErrorCode)) expect(readme, code).toContain(`\`${code}\``);
  });

  it('keeps a ParleyError as it is and hides anything else behind INTERNAL', () => {
    const known = new ParleyError('PARLEY_X', 'x', { status: Status.NOT_FOUND });
    expect(asParleyError(known)).toBe(known);
    const hidden = asParleyError(new TypeError('secret detail'));
    expect(hidden.status).toBe(Status.INTERNAL);
    expect(hidden.code).toBe(KitErrorCode.INTERNAL);
    expect(hidden.message).not.toContain('secret');
  });

  it('maps statuses to HTTP', () => {
    expect(httpStatusFor(Status.INVALID_ARGUMENT)).toBe(400);
    expect(httpStatusFor(Status.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusFor(Status.PERMISSION_DENIED)).toBe(403);
    expect(httpStatusFor(Status.NOT_FOUND)).toBe(404);
    expect(httpStatusFor(Status.UNAVAILABLE)).toBe(503);
    expect(httpStatusFor(Status.DEADLINE_EXCEEDED)).toBe(504);
  });
});
