import { z } from 'zod';

/**
 * The parts of GitHub's `issues`, `issue_comment` and `projects_v2_item` bodies that boardkeeper reads
 * (shapes as in @octokit/webhooks' types), validated because the body is network input.
 */
const user = z.object({ login: z.string(), type: z.string().optional() }).loose();
const label = z.object({ name: z.string() }).loose();

const issue = z
  .object({
    id: z.number().int(),
    node_id: z.string().min(1),
    number: z.number().int().positive(),
    title: z.string().nullish(),
    body: z.string().nullish(),
    state: z.string().optional(),
    html_url: z.string().optional(),
    user: user.nullish(),
    labels: z.array(label).nullish(),
    assignees: z.array(user.nullable()).nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    closed_at: z.string().nullish(),
  })
  .loose();

export const githubIssuesSchema = z
  .object({
    action: z.string(),
    issue,
    label: label.optional(),
    /** Who was assigned / unassigned, on `assigned` / `unassigned`. */
    assignee: user.nullish(),
    changes: z.object({ title: z.unknown().optional(), body: z.unknown().optional() }).loose().optional(),
    repository: z.object({ full_name: z.string().min(1) }).loose(),
    sender: user,
  })
  .loose();

/** `issue_comment`: a comment on an issue, or on a pull request (whose `issue` has a `pull_request` key). */
export const githubIssueCommentSchema = z
  .object({
    action: z.string(),
    issue: issue.extend({ pull_request: z.unknown().optional() }),
    comment: z
      .object({
        id: z.number().int(),
        body: z.string().nullish(),
        created_at: z.string().nullish(),
        updated_at: z.string().nullish(),
      })
      .loose(),
    repository: z.object({ full_name: z.string().min(1) }).loose(),
    sender: user,
  })
  .loose();

const option = z.object({ name: z.string() }).loose();
/** A single-select option, or the value of a number, text, date or iteration field. */
const fieldValue = z.union([option, z.number(), z.string(), z.object({}).loose()]).nullish();

export const githubProjectItemSchema = z
  .object({
    action: z.string(),
    projects_v2_item: z
      .object({
        node_id: z.string().min(1),
        project_node_id: z.string().min(1),
        content_node_id: z.string().min(1),
        content_type: z.string(),
        updated_at: z.string().nullish(),
      })
      .loose(),
    changes: z
      .object({
        field_value: z
          .object({
            field_node_id: z.string().optional(),
            field_type: z.string().optional(),
            field_name: z.string().optional(),
            from: fieldValue,
            to: fieldValue,
          })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
    sender: user,
  })
  .loose();

export type GithubIssues = z.infer<typeof githubIssuesSchema>;
export type GithubProjectItem = z.infer<typeof githubProjectItemSchema>;
export type GithubIssueComment = z.infer<typeof githubIssueCommentSchema>;
