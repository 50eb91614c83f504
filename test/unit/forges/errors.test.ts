import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forgeErrorFromResponse, retryAfterMsFromHeaders, type ForgeErrorKind } from '../../../src/forges/errors.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('forgeErrorFromResponse', () => {
  it.each<[number | null, string, Record<string, string>, ForgeErrorKind]>([
    [null, 'fetch failed', {}, 'transient'],
    [429, 'Too Many Requests', {}, 'transient'],
    [500, 'Internal Server Error', {}, 'transient'],
    [503, 'Service Unavailable', {}, 'transient'],
    [403, 'API rate limit exceeded for installation', { 'x-ratelimit-remaining': '0' }, 'transient'],
    [403, 'You have exceeded a secondary rate limit', {}, 'transient'],
    [403, 'Resource not accessible by integration', {}, 'auth'],
    [401, 'Bad credentials', {}, 'auth'],
    [404, 'Not Found', {}, 'not-found'],
    [410, 'Gone', {}, 'not-found'],
    [422, 'Validation Failed', {}, 'rejected'],
    [400, 'label is invalid', {}, 'rejected'],
  ])('status %s "%s" → %s', (status, message, headers, kind) => {
    const error = forgeErrorFromResponse({ forge: 'github', status, message, headers, request: 'PATCH /x' }, NOW);
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(message);
  });

  it.each<[Record<string, string>, number]>([
    [{}, 60_000],
    [{ 'retry-after': '5' }, 5_000],
  ])("waits GitHub's secondary rate limit out: retry-after when given, else a minute (%j)", (headers, wait) => {
    const message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    const error = forgeErrorFromResponse({ forge: 'github', status: 403, message, headers, request: 'GET /x' }, NOW);
    expect(error).toMatchObject({ kind: 'transient', retryAfterMs: wait });
  });

  it('says which setting to check on an auth failure, per forge', () => {
    const gitlab = forgeErrorFromResponse({
      forge: 'gitlab',
      status: 401,
      message: '401 Unauthorized',
      headers: {},
      request: 'GET /x',
    });
    expect(gitlab.message).toMatch(/GitLab refused our credentials.*gitlab\.token/);
  });
});

describe('retryAfterMsFromHeaders', () => {
  it.each<[Record<string, string>, number | null]>([
    [{ 'retry-after': '30' }, 30_000],
    [{ 'retry-after': 'Wed, 01 May 2024 12:01:00 GMT' }, 60_000],
    [{ 'retry-after': 'Wed, 01 May 2024 11:00:00 GMT' }, 0],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 90) }, 90_000],
    [{ 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 5) }, 5_000],
    [{ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(NOW / 1000 + 90) }, null],
    [{}, null],
  ])('%o → %s', (headers, expected) => {
    expect(retryAfterMsFromHeaders(headers, NOW)).toBe(expected);
  });

  it('is never negative and follows Retry-After seconds exactly', () => {
    fc.assert(
      fc.property(fc.nat(86_400), fc.integer({ min: -86_400, max: 86_400 }), (seconds, resetOffset) => {
        expect(retryAfterMsFromHeaders({ 'retry-after': String(seconds) }, NOW)).toBe(seconds * 1000);
        const reset = String(Math.floor(NOW / 1000) + resetOffset);
        const wait = retryAfterMsFromHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, NOW);
        expect(wait).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
