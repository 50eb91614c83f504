/** Kept under `IssueState.extra.activity` by the rules: when a person last changed the issue (ISO). */
export interface Activity {
  personAt: string | null;
}

export function readPersonActivity(extra: Record<string, unknown>): string | null {
  const activity = extra['activity'] as Partial<Activity> | undefined;
  return typeof activity?.personAt === 'string' ? activity.personAt : null;
}
