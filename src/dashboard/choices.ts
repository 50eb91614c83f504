import type { IssueFacts } from '../metrics/issue-metrics.js';

/** The kinds and segments issues in the store carry, as the filters match them (state first, then transitions). */
export function filterChoices(facts: readonly IssueFacts[]): { kinds: string[]; segments: string[] } {
  const kinds = new Set<string>();
  const segments = new Set<string>();
  for (const issue of facts) {
    const kind = issue.state?.kind ?? issue.kind;
    const segment = issue.state?.segment ?? issue.segment;
    if (kind) kinds.add(kind);
    if (segment) segments.add(segment);
  }
  const sorted = (values: Set<string>) => [...values].sort((a, b) => a.localeCompare(b));
  return { kinds: sorted(kinds), segments: sorted(segments) };
}
