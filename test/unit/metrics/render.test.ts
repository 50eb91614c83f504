import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { computeIssues } from '../../../src/metrics/durations/issue-metrics.js';
import { renderCsv } from '../../../src/metrics/formats/csv.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { renderPrometheus } from '../../../src/metrics/formats/prometheus.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { buildTable } from '../../../src/metrics/table/table.js';
import { A, LATER, state } from './ledger.js';

const settings = metricsSettings(configSchema.parse({}));

describe('renderers', () => {
  const awkward = state('gitlab', '42', 1, { title: '=HYPERLINK("x"), "quoted"\nline', segment: 'en"ter\\prise' });
  const table = buildTable(computeIssues(issueFacts(A, [awkward]), settings, LATER), settings, LATER);
  const all = Uint32Array.from({ length: table.size }, (_, i) => i);

  it('escapes Prometheus label values', () => {
    const text = renderPrometheus(table, all, settings, LATER);
    expect(text).toContain(
      'boardkeeper_issues{stage="closed",kind="implementation",segment="en\\"ter\\\\prise",state="closed"} 1',
    );
    expect(text).toContain('boardkeeper_duration_target_seconds{duration="implementation"} 2592000');
  });

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    const [, row] = renderCsv(table, all, settings).split('\r\n');
    expect(row).toContain(`"'=HYPERLINK(""x""), ""quoted""\nline"`);
  });
});
