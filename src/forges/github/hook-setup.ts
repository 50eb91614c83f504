import { emptyReport, type SetupReport } from '../label-catalog.js';
import type { GithubClient } from './client.js';

/**
 * Issues and their comments; Projects v2 items only reach organisation hooks (and Apps), so a
 * repository hook cannot subscribe to them.
 */
const EVENTS = {
  repository: ['issues', 'issue_comment'],
  organization: ['issues', 'issue_comment', 'projects_v2_item'],
} as const;

const sameUrl = (a: string | undefined, b: string) => (a ?? '').replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * The repository (`owner/repo`) or organisation hook that posts to `url` as JSON with the webhook
 * secret: created when missing, its events and `active` corrected when they differ, else left
 * alone. Idempotent.
 */
export async function ensureGithubHook(
  client: GithubClient,
  scope: 'repository' | 'organization',
  owner: string,
  url: string,
  secret: string,
): Promise<SetupReport> {
  const report = emptyReport('github', `${scope} ${owner}`);
  const events = [...EVENTS[scope]];
  const config = { url, content_type: 'json', secret, insecure_ssl: '0' };
  const [login, repo] = owner.split('/');
  const octokit = scope === 'repository' ? await client.octokit(owner) : await client.octokitForOrg(owner);
  const hooks =
    scope === 'repository'
      ? await octokit.paginate(octokit.rest.repos.listWebhooks, { owner: login!, repo: repo!, per_page: 100 })
      : await octokit.paginate(octokit.rest.orgs.listWebhooks, { org: owner, per_page: 100 });
  const hook = hooks.find((candidate) => sameUrl(candidate.config.url, url));
  if (!hook) {
    if (scope === 'repository')
      await octokit.rest.repos.createWebhook({ owner: login!, repo: repo!, name: 'web', config, events, active: true });
    else await octokit.rest.orgs.createWebhook({ org: owner, name: 'web', config, events, active: true });
    report.created.push(`${scope} hook ${url}`);
    return report;
  }
  const missing = events.filter((event) => !hook.events.includes(event));
  if (missing.length === 0 && hook.active) {
    report.unchanged += 1;
    return report;
  }
  const wanted = [...new Set([...hook.events, ...events])];
  if (scope === 'repository')
    await octokit.rest.repos.updateWebhook({
      owner: login!,
      repo: repo!,
      hook_id: hook.id,
      events: wanted,
      active: true,
    });
  else await octokit.rest.orgs.updateWebhook({ org: owner, hook_id: hook.id, events: wanted, active: true });
  report.updated.push(
    `${scope} hook ${hook.id}: ${[...missing.map((event) => `+${event}`), ...(hook.active ? [] : ['active'])].join(' ')}`,
  );
  return report;
}
