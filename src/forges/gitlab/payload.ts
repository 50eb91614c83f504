import { z } from 'zod';

/**
 * The parts of GitLab's Issue Hook / Work Item Hook body that boardkeeper reads. Validated because
 * the body is input from the network; unknown keys pass through untouched.
 */
const label = z.object({ title: z.string() }).loose();
const assignee = z.object({ username: z.string() }).loose();

export const gitlabIssueHookSchema = z
  .object({
    object_kind: z.enum(['issue', 'work_item']),
    user: z.object({ username: z.string(), bot: z.boolean().optional() }).loose(),
    project: z.object({ id: z.number().int(), path_with_namespace: z.string().optional() }).loose(),
    object_attributes: z
      .object({
        id: z.number().int(),
        iid: z.number().int().positive(),
        title: z.string().nullish(),
        description: z.string().nullish(),
        state: z.string(),
        action: z.string().nullish(),
        type: z.string().nullish(),
        url: z.string().nullish(),
        created_at: z.string().nullish(),
        updated_at: z.string().nullish(),
        author_id: z.number().nullish(),
        // Time tracking, in seconds (`time_change`: what this event added, which the totals already hold).
        time_estimate: z.number().nullish(),
        total_time_spent: z.number().nullish(),
        time_change: z.number().nullish(),
      })
      .loose(),
    labels: z.array(label).nullish(),
    assignees: z.array(assignee).nullish(),
    changes: z
      .object({
        labels: z
          .object({ previous: z.array(label).nullish(), current: z.array(label).nullish() })
          .loose()
          .optional(),
        assignees: z
          .object({ current: z.array(assignee).nullish() })
          .loose()
          .optional(),
        title: z.unknown().optional(),
        description: z.unknown().optional(),
        updated_at: z.object({ current: z.string().nullish() }).loose().optional(),
        total_time_spent: z.object({ current: z.number().nullish() }).loose().optional(),
        time_estimate: z.object({ current: z.number().nullish() }).loose().optional(),
      })
      .loose()
      .nullish(),
  })
  .loose();

export type GitlabIssueHook = z.infer<typeof gitlabIssueHookSchema>;

/**
 * The parts of GitLab's Note Hook (a comment) that boardkeeper reads. `issue` is there when the
 * comment is on an issue (`noteable_type: Issue`); other targets carry their own key instead.
 */
export const gitlabNoteHookSchema = z
  .object({
    object_kind: z.literal('note'),
    user: z.object({ username: z.string(), bot: z.boolean().optional() }).loose(),
    project: z.object({ id: z.number().int(), path_with_namespace: z.string().optional() }).loose(),
    object_attributes: z
      .object({
        id: z.number().int(),
        note: z.string().nullish(),
        noteable_type: z.string(),
        system: z.boolean().nullish(),
        action: z.string().nullish(),
        created_at: z.string().nullish(),
        updated_at: z.string().nullish(),
      })
      .loose(),
    issue: z
      .object({
        id: z.number().int(),
        iid: z.number().int().positive(),
        title: z.string().nullish(),
        description: z.string().nullish(),
        state: z.string().nullish(),
        labels: z.array(label).nullish(),
        created_at: z.string().nullish(),
      })
      .loose()
      .optional(),
  })
  .loose();

export type GitlabNoteHook = z.infer<typeof gitlabNoteHookSchema>;
