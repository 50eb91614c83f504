import type { Config } from '../config/schema.js';
import type { ForgeName } from '../domain/types.js';
import type { ForgeClient, ForgeHook } from '../forges/forge.js';
import type { Store } from '../store/store.js';

/** Where the forge posts to this service: `reconcile.publicUrl` (or `alerts.publicUrl`) + /webhooks/<forge>. */
export function webhookUrl(config: Config, forge: ForgeName): string | null {
  const base = config.reconcile.publicUrl ?? config.alerts.publicUrl;
  return base ? `${base.replace(/\/+$/, '')}/webhooks/${forge}` : null;
}

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** The projects catch-up covers on a forge: the allow-list, else every project the store has an issue of. */
export async function coveredProjects(
  config: Config,
  store: Pick<Store, 'issueStates'>,
  forge: ForgeName,
): Promise<string[]> {
  const allowed = forge === 'gitlab' ? config.gitlab.projects : config.github.repositories;
  if (allowed) return allowed.map(String);
  return [...new Set((await store.issueStates({ forge })).map((state) => state.ref.project))].sort();
}

export interface FoundHooks {
  hooks: ForgeHook[];
  /** Projects no hook was found for (or whose hooks cannot be listed): reconcile covers them. */
  uncovered: string[];
}

/**
 * The hooks to read: those configured in `reconcile.hooks`, else each covered project's hooks that
 * post to `webhookUrl`. A project without one (or a client that cannot list hooks) is reconciled.
 */
export async function findHooks(config: Config, client: ForgeClient, projects: readonly string[]): Promise<FoundHooks> {
  const configured = (config.reconcile.hooks ?? []).filter((hook) => hook.forge === client.forge);
  if (configured.length > 0 && client.getHook) {
    const hooks = await Promise.all(
      configured.map((hook) => client.getHook!(hook.scope, hook.owner ?? '', hook.id ?? 0)),
    );
    const projectHooks = new Set(
      hooks.filter((hook) => hook.scope === 'project' || hook.scope === 'repository').map((hook) => hook.owner),
    );
    // A group, organisation or App hook covers every project.
    const wide = hooks.some((hook) => hook.scope !== 'project' && hook.scope !== 'repository');
    return { hooks, uncovered: wide ? [] : projects.filter((project) => !projectHooks.has(project)) };
  }
  const url = webhookUrl(config, client.forge);
  if (!url || !client.listHooks) return { hooks: [], uncovered: [...projects] };
  const hooks: ForgeHook[] = [];
  const uncovered: string[] = [];
  for (const project of projects) {
    const ours = (await client.listHooks(project)).filter((hook) => sameUrl(hook.url, url));
    if (ours.length === 0) uncovered.push(project);
    hooks.push(...ours);
  }
  return { hooks, uncovered };
}

/** How catch-up will find its hooks, in one line (`check-config`). */
export function describeHookDiscovery(config: Config): string {
  const configured = config.reconcile.hooks ?? [];
  const urls = (['gitlab', 'github'] as const).map((forge) => webhookUrl(config, forge)).filter((url) => url !== null);
  const how =
    configured.length > 0
      ? `${configured.length} hook(s) from reconcile.hooks`
      : urls.length > 0
        ? `hooks found by URL ${urls.join(', ')}`
        : 'no hook can be found (set reconcile.hooks or reconcile.publicUrl): it reconciles from the issues';
  const when = config.reconcile.enabled
    ? `on start and every ${config.reconcile.intervalMinutes} min inside serve`
    : 'off inside serve (boardkeeper catch-up runs it on demand)';
  return `${when}; ${how}`;
}
