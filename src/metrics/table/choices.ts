import type { IssueTable } from './table.js';

/** The kinds and segments the issues carry, exactly as the kind and segment filters match them. */
export function filterChoices(table: IssueTable): { kinds: string[]; segments: string[] } {
  const sorted = (keys: readonly (string | null)[]) =>
    keys.filter((key): key is string => Boolean(key)).sort((a, b) => a.localeCompare(b));
  return { kinds: sorted(table.keys.kind), segments: sorted(table.keys.segment) };
}
