import { describe, expect, it } from 'vitest';
import { metricsQueryFor, parseDashboardQuery } from '../../../src/dashboard/query.js';

const NOW = Date.parse('2026-06-15T12:00:00Z');

describe('parseDashboardQuery', () => {
  it.each([
    [{}, { kind: null, segment: null, period: 'all' }, undefined],
    // What a GET form sends when nothing is chosen.
    [{ segment: '', kind: '', period: '' }, { kind: null, segment: null, period: 'all' }, undefined],
    [
      { segment: 'mm', kind: 'implementation', period: '90d', token: 't' },
      { kind: 'implementation', segment: 'mm', period: '90d' },
      't',
    ],
  ])('%j', (query, selection, token) => {
    expect(parseDashboardQuery(query)).toEqual({ selection, token });
  });

  it.each([
    [{ period: '1w' }, 'period'],
    [{ colour: 'blue' }, 'colour'],
    [{ kind: ['a', 'b'] }, 'kind'],
  ])('rejects %j naming %s', (query, parameter) => {
    expect(() => parseDashboardQuery(query)).toThrow(expect.objectContaining({ name: 'FilterError', parameter }));
  });
});

describe('metricsQueryFor', () => {
  it.each([
    [{ kind: null, segment: null, period: 'all' as const }, {}],
    [
      { kind: 'implementation', segment: 'mm', period: 'all' as const },
      { kind: 'implementation', segment: 'mm' },
    ],
    // 2026-06-15 12:00 minus 30 days is 2026-05-16 12:00; /metrics takes the whole day.
    [
      { kind: null, segment: 'smb', period: '30d' as const },
      { segment: 'smb', from: '2026-05-16' },
    ],
    [{ kind: null, segment: null, period: '365d' as const }, { from: '2025-06-15' }],
  ])('%j → %j', (selection, query) => {
    expect(metricsQueryFor(selection, NOW)).toEqual(query);
  });
});
