import { z } from 'zod';
import { NO_EFFORT, seconds, type Effort } from './effort.js';

/**
 * What boardkeeper remembers of one issue beyond its labels and stage: `IssueState.extra`, stored
 * as JSON. This module owns its keys and their shapes; everything else reads and writes it
 * through the functions below. Reads are tolerant: a key missing, or stored in an older shape,
 * reads as its default, and keys this version does not know are kept on write.
 */
export type IssueExtra = Record<string, unknown>;

/** What the rules remember, under `rules`. */
const rulesMemorySchema = z.object({
  /** Template the body followed when last recognised: recognition survives edits that remove every trace. */
  template: z.string().nullable().catch(null),
  /** Canonical labels the rules last wanted from the fields; one a human removed is not added again. */
  derived: z.array(z.string()).catch([]),
  /** Labels the bot asked to remove whose removal the forge has not reported yet. */
  pendingRemove: z.array(z.string()).catch([]),
  /** Stage the GitHub board card shows, as far as we know. */
  boardStage: z.string().nullable().catch(null),
  /** Were all exit criteria checked at the last event? (the rule fires on the change, not the level) */
  criteriaComplete: z.boolean().catch(false),
  outcome: z.string().nullable().catch(null),
  /** The issue's author (GitLab hooks name only the actor; on `opened` that is the author). */
  author: z.string().nullable().catch(null),
});

export type RulesMemory = z.infer<typeof rulesMemorySchema>;

/** Kept under `activity` by the rules: when a person last changed the issue (ISO). */
export interface Activity {
  personAt: string | null;
}

export interface IssueMemory {
  rules: RulesMemory;
  activity: Activity;
  /** The template fields metrics read (date overrides of duration start/end), as the body last gave them. */
  fields: Record<string, string>;
  /** The issue's page on its forge, as its webhook gave it. */
  webUrl: string | null;
  /** The state was written by backfill, which has not seen the bot's comments. */
  backfilled: boolean;
  /** The time spent and estimated last recorded (so an unchanged one is not recorded again). */
  effort: Effort;
}

export function readRulesMemory(extra: IssueExtra): RulesMemory {
  const parsed = rulesMemorySchema.safeParse(extra['rules'] ?? {});
  return parsed.success ? parsed.data : rulesMemorySchema.parse({});
}

// The readers below run per issue in every metrics build: plain guards, not a schema each time.

export function readActivity(extra: IssueExtra): Activity {
  return { personAt: readPersonActivity(extra) };
}

/** When a person last changed the issue (ISO), or null when no event has said yet. */
export function readPersonActivity(extra: IssueExtra): string | null {
  const activity = extra['activity'];
  const personAt = isRecord(activity) ? activity['personAt'] : undefined;
  return typeof personAt === 'string' ? personAt : null;
}

/** The template field `name` as the body last gave it; undefined when it gave none. */
export function readField(extra: IssueExtra, name: string): string | undefined {
  const fields = extra['fields'];
  const value = isRecord(fields) ? fields[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function readFields(extra: IssueExtra): Record<string, string> {
  const fields = extra['fields'];
  if (!isRecord(fields)) return {};
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

export function readWebUrl(extra: IssueExtra): string | null {
  const url = extra['webUrl'];
  return typeof url === 'string' ? url : null;
}

export function isBackfilled(extra: IssueExtra): boolean {
  return extra['backfilled'] === true;
}

/** The effort last recorded for the issue; none when nothing was. */
export function readEffort(extra: IssueExtra): Effort {
  const effort = extra['effort'];
  if (!isRecord(effort)) return NO_EFFORT;
  return { spentSeconds: seconds(effort['spentSeconds']), estimateSeconds: seconds(effort['estimateSeconds']) };
}

/** Every key, read tolerantly. */
export function readIssueMemory(extra: IssueExtra): IssueMemory {
  return {
    rules: readRulesMemory(extra),
    activity: readActivity(extra),
    fields: readFields(extra),
    webUrl: readWebUrl(extra),
    backfilled: isBackfilled(extra),
    effort: readEffort(extra),
  };
}

/** `extra` with the given keys replaced (absent or undefined ones unchanged, unknown keys kept). Pure. */
export function updateIssueMemory(extra: IssueExtra, changes: Partial<IssueMemory>): IssueExtra {
  const updated: IssueExtra = { ...extra };
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) updated[key] = value;
  return updated;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
