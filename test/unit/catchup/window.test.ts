import { describe, expect, it } from 'vitest';
import { catchUpWindow, onStartAnd, type WindowFacts } from '../../../src/catchup/run.js';
import { everyInterval } from '../../../src/jobs/schedules.js';

const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const facts = (overrides: Partial<WindowFacts>): WindowFacts => ({
  nowMs: NOW,
  logDays: 3,
  marginMs: 15 * 60_000,
  lastStored: null,
  reconciledAt: null,
  ...overrides,
});

describe('catchUpWindow', () => {
  it.each([
    [
      'a restart after an hour: the log from the last delivery minus the margin, no reconcile beyond the log',
      { lastStored: '2026-12-03T11:00:00.000Z' },
      { logSince: '2026-12-03T10:45:00.000Z', reconcileSince: '2026-12-03T10:45:00.000Z', beyondLog: false },
    ],
    [
      'down for a week: the whole log, and reconcile from the last delivery (older than the log)',
      { lastStored: '2026-11-26T12:00:00.000Z' },
      { logSince: '2026-11-30T12:00:00.000Z', reconcileSince: '2026-11-26T11:45:00.000Z', beyondLog: true },
    ],
    [
      "a new install: the whole log, nothing to reconcile from (history is backfill's)",
      {},
      { logSince: '2026-11-30T12:00:00.000Z', reconcileSince: null, beyondLog: false },
    ],
    [
      'a quiet forge reconciled an hour ago: reconcile from that pass, not from the old last delivery',
      { lastStored: '2026-11-20T12:00:00.000Z', reconciledAt: '2026-12-03T11:00:00.000Z' },
      { logSince: '2026-11-30T12:00:00.000Z', reconcileSince: '2026-12-03T10:45:00.000Z', beyondLog: true },
    ],
    [
      '--since overrides the last delivery',
      { lastStored: '2026-12-03T11:00:00.000Z', since: '2026-12-02T00:00:00.000Z' },
      { logSince: '2026-12-02T00:00:00.000Z', reconcileSince: '2026-12-02T00:00:00.000Z', beyondLog: false },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(catchUpWindow(facts(overrides))).toEqual(expected);
  });

  it("reads GitLab's longer log further back", () => {
    expect(catchUpWindow(facts({ logDays: 7, lastStored: '2026-11-28T12:00:00.000Z' }))).toMatchObject({
      beyondLog: false,
    });
  });
});

describe('onStartAnd', () => {
  const every = everyInterval(30 * 60_000);
  const at = (iso: string) => new Date(iso);

  it('runs at the first check after start, then as the interval says', () => {
    const schedule = onStartAnd(every, 2 * 60_000);
    expect(schedule.due(at('2026-12-03T12:00:00Z'), '2026-12-03T11:50:00Z')).not.toBeNull();
    expect(schedule.due(at('2026-12-03T12:01:00Z'), '2026-12-03T12:00:30Z')).toBeNull();
    expect(schedule.due(at('2026-12-03T12:30:00Z'), '2026-12-03T12:00:30Z')).not.toBeNull();
  });

  it('skips the start run when another replica finished a pass moments ago', () => {
    const schedule = onStartAnd(every, 2 * 60_000);
    expect(schedule.due(at('2026-12-03T12:00:00Z'), '2026-12-03T11:59:30Z')).toBeNull();
    expect(onStartAnd(every, 2 * 60_000).due(at('2026-12-03T12:00:00Z'), null)).not.toBeNull();
  });
});
