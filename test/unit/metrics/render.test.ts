import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { computeIssues } from '../../../src/metrics/compute.js';
import { renderCsv } from '../../../src/metrics/csv.js';
import { issueFacts } from '../../../src/metrics/facts.js';
import { renderPrometheus } from '../../../src/metrics/prometheus.js';
import { metricsSettings } from '../../../src/metrics/settings.js';
import { A, LATER, state } from './ledger.js';

const settings = metricsSettings(configSchema.parse({}));

describe('renderers', () => {
  const awkward = state('gitlab', '42', 1, { title: '=HYPERLINK("x"), "quoted"\nline', segment: 'en"ter\\prise' });
  const issues = computeIssues(issueFacts(A, [awkward]), settings, LATER);

  it('escapes Prometheus label values', () => {
    const text = renderPrometheus(issues, settings, LATER);
    expect(text).toContain('boardkeeper_issues{stage="closed",kind="implementation",segment="en\\"ter\\\\prise",state="closed"} 1');
    expect(text).toContain('boardkeeper_duration_target_seconds{duration="implementation"} 2592000');
  });

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    const [, row] = renderCsv(issues, settings).split('\r\n');
    expect(row).toContain(`"'=HYPERLINK(""x""), ""quoted""\nline"`);
  });
});
