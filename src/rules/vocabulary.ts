import { DEFAULT_PRESET, PRESETS, type BoardPreset } from '../config/presets.js';
import type { Config, StageRule } from '../config/schema.js';
import { slug } from '../templates/text.js';

/** One single-valued board: SOW work on `stage::*`, strategic initiatives on `initiative::*`. */
export interface StageFamily {
  prefix: string;
  /** Board order, for choosing between stage labels that appeared together. */
  stages: string[];
  initial: string;
  hold: string;
  closed: string;
}

export interface Vocabulary {
  config: Config;
  rules: StageRule[];
  /** Alias → canonical label (`proposal::Scoping` → `stage::discovery`); other labels unchanged. */
  canonical(label: string): string;
  /** How the bot writes a canonical label: the team's first alias for it, else the label itself. */
  written(canonical: string): string;
  family(kind: string | null): StageFamily;
  /** The stage a label stands for on a family's board, or null. */
  stageOf(label: string, family: StageFamily): string | null;
  /** The kind named by `type::*` labels; a label other than the template's own wins (a SOW may continue as an implementation). */
  kindOf(labels: string[], template: string | null): string | null;
}

/** Spelling-tolerant alias key: `proposal::Ready For Approval` ≡ `proposal::ReadyForApproval`. */
function aliasKey(label: string): string {
  return label.toLowerCase().replace(/[\s_-]+/g, '');
}

function families(config: Config, preset: BoardPreset): { stage: StageFamily; initiative: StageFamily } {
  const stages = preset.stages;
  const initiativeStages = preset.initiativeStages;
  return {
    stage: {
      prefix: config.labels.stagePrefix,
      stages: [...stages, preset.holdStage],
      initial: stages[0] ?? 'intake',
      hold: preset.holdStage,
      closed: preset.closedStage ?? 'closed',
    },
    initiative: {
      prefix: config.labels.initiativePrefix,
      stages: [...initiativeStages],
      initial: initiativeStages[0] ?? 'proposed',
      hold: preset.initiativeHoldStage ?? 'paused',
      closed: preset.initiativeClosedStage ?? 'done',
    },
  };
}

export function vocabularyFor(config: Config): Vocabulary {
  const preset = PRESETS[config.preset] ?? DEFAULT_PRESET;
  const aliases = { ...preset.aliases, ...config.labels.aliases };
  const toCanonical = new Map(Object.entries(aliases).map(([alias, target]) => [aliasKey(alias), target]));
  const toWritten = new Map<string, string>();
  for (const [alias, target] of [...Object.entries(config.labels.aliases), ...Object.entries(preset.aliases)])
    if (!toWritten.has(target)) toWritten.set(target, alias);
  const { stage, initiative } = families(config, preset);
  const typePrefix = config.labels.typePrefix;
  const canonical = (label: string) => toCanonical.get(aliasKey(label)) ?? label;
  return {
    config,
    rules: [...(preset.rules ?? []), ...config.rules],
    canonical,
    written: (label) => toWritten.get(label) ?? label,
    family: (kind) => (kind === 'strategic-initiative' ? initiative : stage),
    stageOf(label, family) {
      const name = canonical(label);
      if (!name.toLowerCase().startsWith(family.prefix.toLowerCase())) return null;
      const key = slug(name.slice(family.prefix.length));
      return key === '' ? null : (family.stages.find((s) => slug(s) === key) ?? key);
    },
    kindOf(labels, template) {
      const kinds = labels
        .map(canonical)
        .filter((l) => l.startsWith(typePrefix))
        .map((l) => slug(l.slice(typePrefix.length)));
      return kinds.find((k) => k !== template) ?? kinds[0] ?? null;
    },
  };
}

/** The stage a rule's `moveTo` names on this family's board (`sow-review`, `stage::sow-review`), or null when it belongs to another board. */
export function ruleTarget(moveTo: string, family: StageFamily, otherPrefixes: string[]): string | null {
  const hasOwnPrefix = moveTo.toLowerCase().startsWith(family.prefix.toLowerCase());
  if (!hasOwnPrefix && otherPrefixes.some((p) => moveTo.toLowerCase().startsWith(p.toLowerCase()))) return null;
  const key = slug(hasOwnPrefix ? moveTo.slice(family.prefix.length) : moveTo);
  return family.stages.find((s) => slug(s) === key) ?? null;
}

/** A board column name (`SOW Review`, `Production live`) → the family's stage, or null. */
export function stageForOption(option: string | null | undefined, family: StageFamily): string | null {
  if (!option) return null;
  const key = slug(option.includes('::') ? option.slice(option.lastIndexOf('::') + 2) : option);
  return family.stages.find((s) => slug(s) === key) ?? null;
}
