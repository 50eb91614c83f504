import { z } from 'zod';

/** What the rules remember per issue, kept under `IssueState.extra.rules`. */
const memorySchema = z.object({
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
  /** The author (GitLab hooks name only the actor; on `opened` that is the author). */
  author: z.string().nullable().catch(null),
});

export type RulesMemory = z.infer<typeof memorySchema>;

export function readMemory(extra: Record<string, unknown>): RulesMemory {
  const parsed = memorySchema.safeParse(extra['rules'] ?? {});
  return parsed.success ? parsed.data : memorySchema.parse({});
}

export function writeMemory(extra: Record<string, unknown>, memory: RulesMemory): Record<string, unknown> {
  return { ...extra, rules: memory };
}
