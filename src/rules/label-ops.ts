/** Label changes the rules want, with why; merged into one forge call per event. */
export interface LabelOps {
  add: Map<string, string>;
  remove: Map<string, string>;
}

export function emptyOps(): LabelOps {
  return { add: new Map(), remove: new Map() };
}

export function addLabel(ops: LabelOps, label: string, reason: string): void {
  ops.remove.delete(label);
  if (!ops.add.has(label)) ops.add.set(label, reason);
}

export function removeLabel(ops: LabelOps, label: string, reason: string): void {
  ops.add.delete(label);
  if (!ops.remove.has(label)) ops.remove.set(label, reason);
}

/** The labels an issue has once `ops` are applied to `labels`. */
export function applyOps(labels: string[], ops: LabelOps): string[] {
  const after = labels.filter((l) => !ops.remove.has(l));
  for (const label of ops.add.keys()) if (!after.includes(label)) after.push(label);
  return after;
}

/**
 * GitLab keeps one label per scope (the part before the last `::`): adding `proposal::On_hold`
 * drops `proposal::Closed_Lost`. Predicting that keeps the recorded labels equal to what the
 * forge will echo back, so the echo brings no surprise change.
 */
export function withScopedExclusivity(labels: string[], added: string[]): string[] {
  const scopeOf = (label: string) => (label.includes('::') ? label.slice(0, label.lastIndexOf('::')) : null);
  const claimed = new Map(
    added.flatMap((label) => (scopeOf(label) === null ? [] : [[scopeOf(label)!, label] as const])),
  );
  return labels.filter((label) => {
    const scope = scopeOf(label);
    return scope === null || !claimed.has(scope) || claimed.get(scope) === label;
  });
}
