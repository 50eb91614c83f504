import type { PolicyCondition } from '../config/policies.js';
import { PRESETS } from '../config/presets.js';
import type { Config } from '../config/schema.js';
import { defaultPolicies } from './defaults.js';
import type { Policy } from './types.js';

/** Every value of one field named anywhere in a condition, `any` and `not` included. */
function named(
  condition: PolicyCondition,
  field: (c: PolicyCondition) => readonly string[] | string | undefined,
): string[] {
  const own = field(condition);
  return [
    ...(own === undefined ? [] : typeof own === 'string' ? [own] : own),
    ...(condition.any ?? []).flatMap((c) => named(c, field)),
    ...(condition.not ? named(condition.not, field) : []),
  ];
}

/** The stages a condition may name: the preset's boards, on-hold, and the terminal stages. */
function knownStages(config: Pick<Config, 'durations' | 'preset'>): Set<string> {
  const preset = PRESETS[config.preset]!;
  return new Set([...preset.stages, preset.holdStage, ...preset.initiativeStages, ...config.durations.terminalStages]);
}

/**
 * The policies in force: the shipped ones (each overridden field by field, or switched off with
 * `enabled: false`), then the config's own, in config order. Throws naming a policy that refers
 * to a duration no definition has, or to a stage no board has (it would silently never match).
 */
export function resolvePolicies(config: Pick<Config, 'durations' | 'policies' | 'preset'>): Policy[] {
  const known = new Set(config.durations.definitions.map((d) => d.name));
  const stages = knownStages(config);
  return mergePolicies(config).map((policy) => {
    if (!policy.when || !policy.actions) throw new Error(`policies.${policy.name}: needs \`when\` and \`actions\``);
    const unknown = named(policy.when, (c) => c.duration).find((duration) => !known.has(duration));
    if (unknown)
      throw new Error(`policies.${policy.name}: no duration definition is named "${unknown}" (durations.definitions)`);
    const unknownStage = named(policy.when, (c) => c.stage).find((stage) => !stages.has(stage));
    if (unknownStage)
      throw new Error(`policies.${policy.name}: no board has a stage "${unknownStage}" (preset ${config.preset})`);
    return policy as Policy;
  });
}

/** Defaults and overrides merged, enabled ones only, not yet checked. */
function mergePolicies(config: Pick<Config, 'durations' | 'policies' | 'preset'>): Partial<Policy>[] {
  const shipped: Record<string, Omit<Policy, 'name'>> = defaultPolicies(config);
  const names = [...Object.keys(shipped), ...Object.keys(config.policies ?? {}).filter((name) => !(name in shipped))];
  return names.flatMap((name) => {
    const override = config.policies?.[name] ?? {};
    if (override.enabled === false) return [];
    const base = shipped[name];
    return [
      {
        name,
        when: override.when ?? base?.when,
        actions: override.actions ?? base?.actions,
        resolve: override.resolve ?? base?.resolve ?? [],
      },
    ];
  });
}

const labelsCache = new WeakMap<object, ReadonlySet<string>>();

/** Labels the policies add or remove: a person changing only these is not activity on the issue. */
export function policyLabels(config: Pick<Config, 'durations' | 'policies' | 'preset'>): ReadonlySet<string> {
  let labels = labelsCache.get(config);
  if (!labels) {
    labels = new Set(
      mergePolicies(config).flatMap((policy) =>
        [...(policy.actions ?? []), ...(policy.resolve ?? [])].flatMap((a) =>
          'addLabel' in a ? [a.addLabel] : 'removeLabel' in a ? [a.removeLabel] : [],
        ),
      ),
    );
    labelsCache.set(config, labels);
  }
  return labels;
}

const markersCache = new WeakMap<object, readonly string[]>();

/**
 * The hidden markers of the bot's comments (the rules' report, the policies' comments): a comment
 * carrying one is the bot's, whichever account posted it, and is not a person's activity.
 */
export function botCommentMarkers(
  config: Pick<Config, 'durations' | 'policies' | 'preset' | 'labels'>,
): readonly string[] {
  let markers = markersCache.get(config);
  if (!markers) {
    const fromPolicies = mergePolicies(config).flatMap((policy) =>
      (policy.actions ?? []).flatMap((a) => ('comment' in a ? [a.comment.marker] : [])),
    );
    markers = [...new Set([config.labels.commentMarker, ...fromPolicies])];
    markersCache.set(config, markers);
  }
  return markers;
}
