import type { z } from 'zod';

/** One line naming the first offending field, e.g. `object_attributes.iid: expected number`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}
