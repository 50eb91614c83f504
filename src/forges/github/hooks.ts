import type { Octokit } from '@octokit/rest';
import { ForgeError } from '../errors.js';
import type { ForgeHook, HookHealth, HookLogEntry, HookScope } from '../forge.js';
import type { GithubAuth } from './auth.js';

const PAGE_SIZE = 100;

/** `active` and `last_response` of a repository hook (organisation hooks report `active` only). */
export function githubHookHealth(hook: {
  active: boolean;
  last_response?: { code: number | null; status: string | null } | null;
}): HookHealth {
  if (!hook.active) return { status: 'disabled', detail: 'active false' };
  const code = hook.last_response?.code ?? null;
  if (code !== null && (code < 200 || code >= 300))
    return { status: 'failing', detail: `last_response ${code} ${hook.last_response?.status ?? ''}`.trim() };
  return { status: 'ok', detail: `active${code === null ? '' : `, last_response ${code}`}` };
}

function splitRepo(owner: string): { owner: string; repo: string } {
  const [login, repo] = owner.split('/');
  if (!login || !repo)
    throw new ForgeError('rejected', `a GitHub repository hook needs "owner/repo", got "${owner}"`, null);
  return { owner: login, repo };
}

type Delivery = {
  id: number | bigint;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
  action?: string | null;
};

function toLogEntry(delivery: Delivery): HookLogEntry {
  return {
    logId: Number(delivery.id),
    deliveryIds: [delivery.guid],
    event: delivery.action ? `${delivery.event}.${delivery.action}` : delivery.event,
    at: delivery.delivered_at,
    // GitHub logs 0 when it could not connect.
    status: delivery.status_code > 0 ? delivery.status_code : null,
  };
}

/**
 * Repository, organisation and App hooks: health, the delivery log (3 days, newest first, cursor
 * pages) and redelivery, which keeps the `X-GitHub-Delivery` id.
 */
export class GithubHooks {
  constructor(private readonly auth: GithubAuth) {}

  private async octokitFor(scope: HookScope, owner: string): Promise<Octokit> {
    if (scope === 'app') {
      const app = this.auth.forApp();
      if (!app) throw new ForgeError('auth', 'the GitHub App hook needs github.app credentials, not a token', null);
      return app;
    }
    if (scope === 'repository') {
      const { owner: login, repo } = splitRepo(owner);
      return this.auth.forOwner(login, repo);
    }
    if (scope === 'organization') return this.auth.forOwner(owner, '');
    throw new ForgeError('rejected', `a GitHub hook is a repository, organization or app hook, not ${scope}`, null);
  }

  async list(project: string): Promise<ForgeHook[]> {
    const { owner, repo } = splitRepo(project);
    const octokit = await this.auth.forOwner(owner, repo);
    const hooks = await octokit.paginate(octokit.rest.repos.listWebhooks, { owner, repo, per_page: PAGE_SIZE });
    return hooks.map((hook) => ({
      scope: 'repository',
      owner: project,
      id: hook.id,
      url: hook.config.url ?? '',
      health: githubHookHealth(hook),
    }));
  }

  async get(scope: HookScope, owner: string, id: number): Promise<ForgeHook> {
    const octokit = await this.octokitFor(scope, owner);
    if (scope === 'app') {
      const { data } = await octokit.rest.apps.getWebhookConfigForApp();
      // The App's hook reports no health of its own; its log does.
      return {
        scope,
        owner: '',
        id: 0,
        url: data.url ?? '',
        health: { status: 'ok', detail: 'app hook (no health reported)' },
      };
    }
    if (scope === 'organization') {
      const { data } = await octokit.rest.orgs.getWebhook({ org: owner, hook_id: id });
      return { scope, owner, id, url: data.config.url ?? '', health: githubHookHealth(data) };
    }
    const { data } = await octokit.rest.repos.getWebhook({ ...splitRepo(owner), hook_id: id });
    return { scope, owner, id, url: data.config.url ?? '', health: githubHookHealth(data) };
  }

  /** Newest first; stops at the first delivery older than `since`. */
  async *log(hook: ForgeHook, since: string): AsyncIterable<HookLogEntry> {
    const octokit = await this.octokitFor(hook.scope, hook.owner);
    const sinceMs = Date.parse(since);
    const pages =
      hook.scope === 'app'
        ? octokit.paginate.iterator(octokit.rest.apps.listWebhookDeliveries, { per_page: PAGE_SIZE })
        : hook.scope === 'organization'
          ? octokit.paginate.iterator(octokit.rest.orgs.listWebhookDeliveries, {
              org: hook.owner,
              hook_id: hook.id,
              per_page: PAGE_SIZE,
            })
          : octokit.paginate.iterator(octokit.rest.repos.listWebhookDeliveries, {
              ...splitRepo(hook.owner),
              hook_id: hook.id,
              per_page: PAGE_SIZE,
            });
    for await (const page of pages) {
      for (const delivery of page.data as Delivery[]) {
        if (Date.parse(delivery.delivered_at) < sinceMs) return;
        yield toLogEntry(delivery);
      }
    }
  }

  async redeliver(hook: ForgeHook, entry: HookLogEntry): Promise<void> {
    const octokit = await this.octokitFor(hook.scope, hook.owner);
    const delivery_id = entry.logId;
    if (hook.scope === 'app') await octokit.rest.apps.redeliverWebhookDelivery({ delivery_id });
    else if (hook.scope === 'organization')
      await octokit.rest.orgs.redeliverWebhookDelivery({ org: hook.owner, hook_id: hook.id, delivery_id });
    else await octokit.rest.repos.redeliverWebhookDelivery({ ...splitRepo(hook.owner), hook_id: hook.id, delivery_id });
  }
}
