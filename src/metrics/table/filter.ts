import { z } from 'zod';
import { DAY_MS } from '../durations/measure.js';

export type MetricsFormat = 'json' | 'prometheus' | 'csv';

/** Which issues a report covers. `from`/`to` bound the issue's creation (a date `to` is inclusive). */
export interface MetricsFilter {
  kind?: string;
  segment?: string;
  label?: string;
  stage?: string;
  /** A login among the issue's current assignees. */
  assignee?: string;
  state?: 'open' | 'closed';
  fromMs?: number;
  toMs?: number;
}

export class FilterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'FilterError';
  }
}

const name = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, `_`, `-` or `.`')
  .max(100);
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'an ISO date (YYYY-MM-DD) or date-time',
});

export function querySchema(stages: readonly string[]) {
  return z
    .object({
      kind: name.optional(),
      segment: name.optional(),
      label: z.string().min(1).max(255).optional(),
      assignee: z
        .string()
        .regex(/^[\w.-]+$/, 'a login: letters, digits, `_`, `-` or `.`')
        .max(255)
        .optional(),
      stage: z
        .string()
        .refine((s) => stages.includes(s), { error: `one of ${stages.join(', ')}` })
        .optional(),
      state: z.enum(['open', 'closed']).optional(),
      from: instant.optional(),
      to: instant.optional(),
      format: z.enum(['json', 'prometheus', 'csv']).optional(),
      /** Rows per engagement list in the JSON report. */
      limit: z.coerce.number().int().min(1).max(100_000).optional(),
      /** The bearer token may come in the query (see src/http/auth.ts); it is not a filter. */
      token: z.string().optional(),
    })
    .strict();
}

const startOf = (value: string) => Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
const endOf = (value: string) => (value.length === 10 ? startOf(value) + DAY_MS : Date.parse(value));

/** Parses the query string of /metrics; throws FilterError naming the first bad parameter. */
export function parseMetricsQuery(
  query: unknown,
  stages: readonly string[],
): {
  filter: MetricsFilter;
  format: MetricsFormat | undefined;
  limit: number | undefined;
  echo: Record<string, string>;
} {
  const parsed = querySchema(stages).safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const parameter = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : String(issue.path[0] ?? 'query');
    throw new FilterError(parameter, issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message);
  }
  const { format, limit, token: _token, from, to, ...rest } = parsed.data;
  const filter: MetricsFilter = { ...rest };
  if (from !== undefined) filter.fromMs = startOf(from);
  if (to !== undefined) filter.toMs = endOf(to);
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.toMs <= filter.fromMs) {
    throw new FilterError('to', 'must be after `from`');
  }
  const echo = Object.fromEntries(
    Object.entries({ ...rest, from, to }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return { filter, format, limit, echo };
}
