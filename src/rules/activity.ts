import type { IssueEvent, IssueState } from '../domain/types.js';
import { readPersonActivity, type Activity } from '../domain/issue-memory.js';

/** A label event that only touched labels the time-driven policies manage (`stale`, `sla::*`). */
function onlyPolicyLabels(event: IssueEvent, policyLabels: ReadonlySet<string>): boolean {
  if (event.action !== 'labeled' && event.action !== 'unlabeled') return false;
  const before = new Set(event.labelsBefore);
  const after = new Set(event.labelsAfter);
  const changed = [
    ...event.labelsBefore.filter((l) => !after.has(l)),
    ...event.labelsAfter.filter((l) => !before.has(l)),
  ];
  return changed.length > 0 && changed.every((label) => policyLabels.has(label));
}

/** A comment the bot wrote: its hidden marker is in the body, whichever account posted it. */
function botComment(event: IssueEvent, botMarkers: readonly string[]): boolean {
  const body = event.comment?.body;
  return body !== undefined && botMarkers.some((marker) => body.includes(marker));
}

/**
 * The issue's activity after this event. The bot's own changes (the forge's echoes of what the
 * rules and the sweep did) are not activity, nor are its comments, nor is a change of the policies'
 * own labels: else the sweep's `stale` would count as the activity that clears it. A person's
 * comment is activity. Before the first event that says, the last event known stands in for the
 * last person's.
 */
export function nextActivity(
  event: IssueEvent,
  prior: IssueState | null,
  policyLabels: ReadonlySet<string>,
  botMarkers: readonly string[],
): Activity {
  if (!event.actor.isBot && !onlyPolicyLabels(event, policyLabels) && !botComment(event, botMarkers))
    return { personAt: event.occurredAt };
  return { personAt: (prior && readPersonActivity(prior.extra)) ?? prior?.updatedAt ?? null };
}
