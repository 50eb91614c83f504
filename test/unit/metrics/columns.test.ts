import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { computeIssues } from '../../../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { COLUMNS, SURFACES } from '../../../src/metrics/table/columns.js';
import { buildTable } from '../../../src/metrics/table/table.js';
import { boardHistory, BOARD_NOW } from '../../support/board-history.js';
import { A, B, C, D, D_STATE, LATER, state } from './ledger.js';

const settings = metricsSettings(configSchema.parse({}));

describe('per-engagement columns', () => {
  it.each([
    ['a board with states, titles and assignees', boardHistory(), BOARD_NOW],
    [
      'issues known only from transitions, and one with a state',
      { transitions: [...A, ...B, ...C, ...D], states: [D_STATE, state('gitlab', '42', 1, { title: 'Rollout' })] },
      LATER,
    ],
  ])('read the same from a table row as from the issue’s metrics (%s)', (_name, history, nowMs) => {
    const issues = computeIssues(issueFacts(history.transitions, history.states), settings, nowMs);
    const table = buildTable(issues, settings, nowMs);
    for (const column of Object.values(COLUMNS)) {
      expect(
        issues.map((_, i) => column.at(table, i)),
        column.key,
      ).toEqual(issues.map((issue) => column.of(issue)));
    }
  });

  it('every declared column is listed by a surface', () => {
    const listed = new Set(Object.values(SURFACES).flatMap((columns) => columns.map((column) => column.key)));
    expect([...listed].sort()).toEqual(Object.keys(COLUMNS).sort());
  });
});
