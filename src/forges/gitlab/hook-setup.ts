import { emptyReport, type SetupReport } from '../label-catalog.js';
import type { GitlabClient } from './client.js';

interface GitlabHookJson {
  id: number;
  url: string;
  issues_events?: boolean;
  note_events?: boolean;
  confidential_issues_events?: boolean;
  confidential_note_events?: boolean;
}

/** The events boardkeeper handles: issues and their comments (notes), confidential ones too. */
const EVENTS = {
  issues_events: true,
  confidential_issues_events: true,
  note_events: true,
  confidential_note_events: true,
} as const;

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * The project (or group) hook that posts to `url` with the webhook secret and Issues + Comments
 * events: created when missing, its events corrected when they differ, else left alone (the
 * secret cannot be read back, so an existing hook keeps its own). Idempotent.
 */
export async function ensureGitlabHook(
  client: GitlabClient,
  scope: 'project' | 'group',
  owner: string,
  url: string,
  secret: string,
): Promise<SetupReport> {
  const report = emptyReport('gitlab', `${scope} ${owner}`);
  const base = `${scope === 'project' ? 'projects' : 'groups'}/${encodeURIComponent(owner)}/hooks`;
  const hooks = (await client.api.requester.get(base, { searchParams: { per_page: 100 } }))
    .body as unknown as GitlabHookJson[];
  const hook = hooks.find((candidate) => sameUrl(candidate.url, url));
  if (!hook) {
    await client.api.requester.post(base, {
      body: { url, token: secret, push_events: false, enable_ssl_verification: true, ...EVENTS },
    });
    report.created.push(`${scope} hook ${url}`);
  } else if (Object.entries(EVENTS).some(([event, on]) => hook[event as keyof typeof EVENTS] !== on)) {
    await client.api.requester.put(`${base}/${hook.id}`, { body: { url, ...EVENTS } });
    report.updated.push(`${scope} hook ${hook.id} events`);
  } else {
    report.unchanged += 1;
  }
  return report;
}
