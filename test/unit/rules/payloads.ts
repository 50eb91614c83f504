/**
 * Rule inputs made the way the service makes them: a real webhook body (GitHub's from
 * @octokit/webhooks-examples, GitLab's documented Issue Hook) through the forges' own normalisers.
 */
import { readFileSync } from 'node:fs';
import type { IssueEvent } from '../../../src/domain/types.js';
import { normalizeGithubIssue } from '../../../src/forges/github/events.js';
import { githubIssuesSchema } from '../../../src/forges/github/payload.js';
import { normalizeGitlabIssue } from '../../../src/forges/gitlab/events.js';
import { gitlabIssueHookSchema } from '../../../src/forges/gitlab/payload.js';
import { githubClosedIssue, githubFixture, gitlabIssueHook, type GitlabVariant } from '../../support/payloads.js';

const NO_BOTS: ReadonlySet<string> = new Set();

export interface EventOverrides {
  body?: string;
  /** Who acted; `isBot` marks the service's own account. */
  actor?: string;
  isBot?: boolean;
}

function withActor(event: IssueEvent, o: EventOverrides): IssueEvent {
  return o.actor ? { ...event, actor: { login: o.actor, isBot: o.isBot ?? false } } : event;
}

export type GithubAction = 'opened' | 'edited' | 'labeled' | 'unlabeled' | 'reopened' | 'closed';

/**
 * A GitHub `issues` delivery: the octokit example of that action (the `closed` one derived from
 * `reopened`, see test/support/payloads.ts) with our labels, body and changed label.
 */
export function github(
  action: GithubAction,
  labels: string[],
  o: EventOverrides & { label?: string } = {},
): IssueEvent {
  const payload = action === 'closed' ? githubClosedIssue() : githubFixture(`issues.${action}`);
  const sample = payload.issue.labels?.[0] ?? {};
  payload.issue.labels = labels.map((name) => ({ ...sample, name }));
  if (o.body !== undefined) payload.issue.body = o.body;
  if (o.label && payload.label) payload.label = { ...payload.label, name: o.label };
  return withActor(normalizeGithubIssue(`gh-${action}`, githubIssuesSchema.parse(payload), NO_BOTS), o);
}

/** A GitLab Issue Hook: the documented body with only the fields GitLab varies per action changed. */
export function gitlab(variant: GitlabVariant, o: EventOverrides = {}): IssueEvent {
  const hook = gitlabIssueHook({ ...variant, description: o.body ?? variant.description });
  return fromGitlabHook(hook, o);
}

export function fromGitlabHook(hook: unknown, o: EventOverrides = {}): IssueEvent {
  return withActor(normalizeGitlabIssue('gl-delivery', gitlabIssueHookSchema.parse(hook), NO_BOTS), o);
}

export function body(name: string): string {
  return readFileSync(new URL(`../../fixtures/bodies/${name}.md`, import.meta.url), 'utf8');
}
