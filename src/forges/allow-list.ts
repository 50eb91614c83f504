/**
 * The projects whose events are accepted (config `gitlab.projects`, `github.repositories`); unset
 * accepts every project. Forges treat project paths and `owner/repo` names case-insensitively.
 */
export interface AllowList {
  /** True when any of the names a payload gives its project (id, path) is on the list. */
  allows(...names: unknown[]): boolean;
  /** How the list is named in the config, for the reason an event is ignored. */
  readonly setting: string;
}

export function allowList(setting: string, entries: readonly (string | number)[] | undefined): AllowList | null {
  if (!entries) return null;
  const allowed = new Set(entries.map((entry) => String(entry).toLowerCase()));
  return {
    setting,
    allows: (...names) =>
      names.some(
        (name) => (typeof name === 'string' || typeof name === 'number') && allowed.has(String(name).toLowerCase()),
      ),
  };
}

/** A plain property read on an unvalidated payload: the allow-list is checked before the full parse. */
export function field(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined),
    value,
  );
}
