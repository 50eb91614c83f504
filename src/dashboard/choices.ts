import type { IssueMetrics } from '../metrics/issue-metrics.js';

/** The kinds and segments the issues carry, exactly as the kind and segment filters match them. */
export function filterChoices(issues: readonly IssueMetrics[]): { kinds: string[]; segments: string[] } {
  const kinds = new Set<string>();
  const segments = new Set<string>();
  for (const issue of issues) {
    if (issue.kind) kinds.add(issue.kind);
    if (issue.segment) segments.add(issue.segment);
  }
  const sorted = (values: Set<string>) => [...values].sort((a, b) => a.localeCompare(b));
  return { kinds: sorted(kinds), segments: sorted(segments) };
}
