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
