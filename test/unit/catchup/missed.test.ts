import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { missedDeliveries } from '../../../src/catchup/log-pass.js';
import type { HookLogEntry } from '../../../src/forges/forge.js';

let nextLogId = 1;
const attempt = (ids: string[], status: number | null, at: string): HookLogEntry => ({
  logId: nextLogId++,
  deliveryIds: ids,
  event: 'issues',
  at,
  status,
});

describe('missedDeliveries', () => {
  it.each([
    ['a connection failure', [attempt(['d1'], null, '2026-12-01T10:00:00Z')], ['d1']],
    ['a 503 while the database was away', [attempt(['d1'], 503, '2026-12-01T10:00:00Z')], ['d1']],
    ['a 429', [attempt(['d1'], 429, '2026-12-01T10:00:00Z')], ['d1']],
    ['an acknowledged delivery', [attempt(['d1'], 202, '2026-12-01T10:00:00Z')], []],
    ['an ignored event (200)', [attempt(['d1'], 200, '2026-12-01T10:00:00Z')], []],
    [
      'a refused signature (the secret may have been corrected since)',
      [attempt(['d1'], 401, '2026-12-01T10:00:00Z')],
      ['d1'],
    ],
    ['a malformed body (sending again would not help)', [attempt(['d1'], 400, '2026-12-01T10:00:00Z')], []],
    [
      'a failure later redelivered with success',
      [attempt(['d1'], null, '2026-12-01T10:00:00Z'), attempt(['d1'], 202, '2026-12-01T11:00:00Z')],
      [],
    ],
    [
      'GitLab resends: a new event UUID, the same Idempotency-Key',
      [
        attempt(['uuid-1', 'key-1'], null, '2026-12-01T10:00:00Z'),
        attempt(['uuid-2', 'key-1'], 202, '2026-12-01T11:00:00Z'),
      ],
      [],
    ],
  ])('%s', (_name, entries, expected) => {
    expect(missedDeliveries(entries, new Set()).map((entry) => entry.deliveryIds.at(-1))).toEqual(expected);
  });

  it('skips what the inbox holds under any of its ids, and orders the rest oldest first, once each', () => {
    const entries = [
      attempt(['late'], null, '2026-12-02T10:00:00Z'),
      attempt(['stored-uuid', 'stored-key'], null, '2026-12-01T09:00:00Z'),
      attempt(['early'], null, '2026-12-01T10:00:00Z'),
      attempt(['early'], 500, '2026-12-01T10:05:00Z'),
    ];
    const missed = missedDeliveries(entries, new Set(['stored-uuid']));
    expect(missed.map((entry) => [entry.deliveryIds[0], entry.at])).toEqual([
      ['early', '2026-12-01T10:05:00Z'],
      ['late', '2026-12-02T10:00:00Z'],
    ]);
  });

  it('never returns a delivery that was answered or stored, and each unanswered unknown one exactly once', () => {
    const entry = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      status: fc.constantFrom(null, 200, 202, 400, 401, 429, 500, 503),
      minute: fc.integer({ min: 0, max: 59 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.subarray(['a', 'b', 'c', 'd', 'e']), (raw, stored) => {
        const entries = raw.map((r, n) => ({
          logId: n + 1,
          deliveryIds: [r.id],
          event: 'issues',
          at: `2026-12-01T10:${String(r.minute).padStart(2, '0')}:00Z`,
          status: r.status,
        }));
        const known = new Set(stored);
        const missed = missedDeliveries(entries, known).map((e) => e.deliveryIds[0]!);
        const answered = (s: number | null) => s !== null && s < 500 && s !== 429 && s !== 401;
        const expected = [...new Set(entries.map((e) => e.deliveryIds[0]!))].filter(
          (id) => !known.has(id) && !entries.some((e) => e.deliveryIds[0] === id && answered(e.status)),
        );
        expect([...missed].sort()).toEqual(expected.sort());
        const times = missedDeliveries(entries, known).map((e) => e.at);
        expect(times).toEqual([...times].sort());
      }),
    );
  });
});
