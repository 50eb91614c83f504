/**
 * Overlay labels (e.g. `status::blocked`, `outcome::lost`) are not stages, but durations need to
 * know when they were present. They are recorded as transitions on the same table, with
 * `to` = `+label` when added and `-label` when removed (`from` null), so the store's
 * (issue, at, to) key deduplicates them like stage transitions and no schema change is needed.
 * Stage names never start with `+` or `-`.
 */
export type OverlayChange = { label: string; present: boolean };

export function overlayTo(label: string, present: boolean): string {
  return `${present ? '+' : '-'}${label}`;
}

/** The overlay change a transition's `to` encodes, or null for a stage transition. */
export function parseOverlay(to: string): OverlayChange | null {
  const sign = to[0];
  if (sign !== '+' && sign !== '-') return null;
  return { label: to.slice(1), present: sign === '+' };
}

/** The part of the configuration (`durations`) that names the labels to record; the config's type fits it. */
export interface LabelTracking {
  durations: {
    definitions: readonly { start: readonly object[]; end: readonly object[] }[];
    pausedLabels: readonly string[];
    trackedLabels: readonly string[];
  };
}

/** The labels whose additions and removals must be recorded for the configured durations. */
export function trackedLabels(config: LabelTracking): Set<string> {
  const fromDefinitions = config.durations.definitions.flatMap((d) =>
    [...d.start, ...d.end].flatMap((event) =>
      'labelAdded' in event && typeof event.labelAdded === 'string' ? [event.labelAdded] : [],
    ),
  );
  return new Set([...config.durations.pausedLabels, ...config.durations.trackedLabels, ...fromDefinitions]);
}
