import type { Config } from '../config/schema.js';
import { readWebUrl, updateIssueMemory } from '../domain/issue-memory.js';
import type { ForgeName, IssueRef, IssueState } from '../domain/types.js';

export const FORGE_TITLE: Record<ForgeName, string> = { gitlab: 'GitLab', github: 'GitHub' };

/** GitHub's web host from its API URL: api.github.com → github.com; Enterprise `https://host/api/v3` → `https://host`. */
function githubWebBase(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/$/, '')}`;
}

/**
 * The issue's page on its forge: the address its webhook gave, else one built from the config —
 * exact on GitHub (`owner/repo/issues/n`); on GitLab, where the project is known only by its id,
 * the project's page (`/projects/:id`), as GitLab has no address for an issue by project id.
 */
export function issueWebUrl(
  ref: Pick<IssueRef, 'forge' | 'project' | 'iid'>,
  state: Pick<IssueState, 'extra'> | null,
  config: Config,
): string {
  const known = state && readWebUrl(state.extra);
  if (known && /^https?:\/\//.test(known)) return known;
  if (ref.forge === 'github') return `${githubWebBase(config.github.apiUrl)}/${ref.project}/issues/${ref.iid}`;
  return `${config.gitlab.url.replace(/\/$/, '')}/projects/${encodeURIComponent(ref.project)}`;
}

/** The state to store, remembering the issue's web address when the event carried one. */
export function withWebUrl(state: IssueState, url: string | undefined): IssueState {
  return url ? { ...state, extra: updateIssueMemory(state.extra, { webUrl: url }) } : state;
}
