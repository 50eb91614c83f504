import { describe, expect, it } from 'vitest';
import { FINISHED_SHOWN } from '../../../src/dashboard/view.js';
import { boardHistory } from '../../support/board-history.js';
import { finishedImplementation, viewOf } from './support.js';

const none = { transitions: [], states: [] };

describe('dashboardView', () => {
  it('takes every number from the report unchanged', () => {
    const { view, report } = viewOf(boardHistory());
    expect(view.open).toEqual({ rows: report.kpi.open, total: report.kpi.open.length });
    expect(view.trend).toBe(report.kpi.trend);
    expect(view.stages).toBe(report.stages);
    expect(view.board).toBe(report.issues.byStage);
    expect(view.summary).toBe(report.durations.find((duration) => duration.name === 'implementation'));
    expect(view.finished).toEqual({ rows: report.kpi.finished, total: report.kpi.finished.length });
    expect(view.kpi).toMatchObject({ name: 'implementation', targetDays: 30, atRiskAfterDays: 21 });
  });

  it(`shows the ${FINISHED_SHOWN} most recent finished engagements and counts them all`, () => {
    const transitions = Array.from({ length: FINISHED_SHOWN + 5 }, (_, i) =>
      finishedImplementation(i + 1, 10 + i, i + 1),
    ).flat();
    const { view, report } = viewOf({ transitions, states: [] });
    expect(view.finished.total).toBe(FINISHED_SHOWN + 5);
    expect(view.finished.rows).toEqual(report.kpi.finished.slice(0, FINISHED_SHOWN));
    expect(view.finished.rows[0]!.iid).toBe(1);
  });

  it.each([
    ['an empty store', none, {}, 'no-transitions'],
    [
      'filters that match nothing',
      boardHistory(),
      { selection: { kind: 'implementation', segment: 'nobody', period: 'all' as const } },
      'no-match',
    ],
    ['a board with issues', boardHistory(), {}, null],
  ])('empty state for %s', (_name, history, options, empty) => {
    expect(viewOf(history, options).view.empty).toBe(empty);
  });

  it('links to the same selection as /metrics JSON and CSV, carrying the token URL-encoded', () => {
    const selection = { kind: 'implementation', segment: 'mm', period: '30d' as const };
    const { view } = viewOf(boardHistory(), { selection, token: 'a&b=c d' });
    expect(view.links).toEqual({
      json: '/metrics?kind=implementation&segment=mm&from=2026-05-16&token=a%26b%3Dc+d',
      csv: '/metrics?kind=implementation&segment=mm&from=2026-05-16&format=csv&token=a%26b%3Dc+d',
      reset: '/dashboard?token=a%26b%3Dc+d',
    });
    expect(viewOf(boardHistory()).view.links).toEqual({
      json: '/metrics',
      csv: '/metrics?format=csv',
      reset: '/dashboard',
    });
  });

  it('offers the kinds and segments in the store, and a selected one even when no issue has it', () => {
    const { view } = viewOf(boardHistory(), { selection: { kind: null, segment: 'aaa-new', period: 'all' } });
    expect(view.filters.kinds).toEqual(['implementation', 'sow-request']);
    expect(view.filters.segments).toEqual(['aaa-new', 'enterprise', 'mm', 'smb', 'strategic']);
  });

  it('describes when the KPI starts and ends from its definition', () => {
    const config = {
      durations: {
        kpi: 'sales_cycle',
        definitions: [
          {
            name: 'sales_cycle',
            start: [{ created: true as const }],
            end: [{ leave: 'sow-review' }, { labelAdded: 'outcome::lost' }],
          },
        ],
      },
    };
    const { view } = viewOf(boardHistory(), { config });
    expect(view.kpi).toMatchObject({
      name: 'sales_cycle',
      startsWhen: 'is created',
      endsWhen: 'leaves sow-review or gets the label outcome::lost',
    });
    expect(viewOf(boardHistory()).view.kpi).toMatchObject({
      startsWhen: 'enters deployment',
      endsWhen: 'enters production-live',
    });
  });

  it('has no summary when the KPI names no configured duration', () => {
    expect(viewOf(boardHistory(), { config: { durations: { kpi: 'missing' } } }).view.summary).toBeNull();
  });
});
