import type { Config } from '../config/schema.js';
import { PRESETS, SALES_STAGES } from '../config/presets.js';

export interface LabelSpec {
  name: string;
  /** `#rrggbb` */
  color: string;
  description: string;
}

const SALES = '#1f75cb';
const DELIVERY = '#108548';
const SIDE = '#737278';
const WARN = '#dd2b0e';

/** Every label the preset uses, with the colour and description `setup` gives it. */
export function presetLabels(config: Config): LabelSpec[] {
  const preset = PRESETS[config.preset] ?? PRESETS.default!;
  const { stagePrefix, typePrefix, segmentPrefix, initiativePrefix, needsInfo, taReview } = config.labels;
  const sales = new Set<string>(SALES_STAGES);
  const stages = preset.stages.map((stage, index) => ({
    name: `${stagePrefix}${stage}`,
    color: sales.has(stage) ? SALES : DELIVERY,
    description: `Stage ${index + 1} of ${preset.stages.length}: ${stage}`,
  }));
  const plain = (names: string[], color: string, description: (name: string) => string) =>
    names.map((name) => ({ name, color, description: description(name) }));
  return [
    ...stages,
    {
      name: `${stagePrefix}${preset.holdStage}`,
      color: SIDE,
      description: 'Paused; returns to the stage it came from',
    },
    ...plain(
      ['sow-request', 'strategic-initiative', 'implementation'].map((k) => `${typePrefix}${k}`),
      '#6666c4',
      (n) => `Issue kind: ${n.slice(typePrefix.length)}`,
    ),
    ...plain(
      preset.initiativeStages.map((s) => `${initiativePrefix}${s}`),
      '#9e5400',
      (n) => `Strategic initiative: ${n.slice(initiativePrefix.length)}`,
    ),
    ...plain(
      ['smb', 'mm', 'enterprise', 'strategic'].map((s) => `${segmentPrefix}${s}`),
      '#4b4ba3',
      (n) => `Customer segment: ${n.slice(segmentPrefix.length)}`,
    ),
    ...plain(
      ['outcome::won', 'outcome::lost', 'outcome::disqualified'],
      SIDE,
      (n) => `Engagement outcome: ${n.slice('outcome::'.length)}`,
    ),
    ...plain(
      ['health::green', 'health::yellow', 'health::red'],
      '#c17d10',
      (n) => `Health: ${n.slice('health::'.length)}`,
    ),
    { name: needsInfo, color: WARN, description: 'The request is missing required fields (see the bot comment)' },
    { name: taReview, color: WARN, description: 'Needs technical-architect review before approval' },
    { name: 'review::ta-approved', color: DELIVERY, description: 'Technical-architect review done' },
    {
      name: 'status::blocked',
      color: WARN,
      description: 'Blocked; time here can be excluded from the active duration',
    },
    { name: 'escalated', color: WARN, description: 'Escalated to management' },
  ];
}

/** Stage labels in board order: one board list each. */
export function boardStages(config: Config): string[] {
  const preset = PRESETS[config.preset] ?? PRESETS.default!;
  return preset.stages;
}

export interface SetupReport {
  forge: 'gitlab' | 'github';
  target: string;
  created: string[];
  updated: string[];
  unchanged: number;
  /** What setup cannot create and a person must add (GitHub Status options). */
  missing: string[];
}

export function emptyReport(forge: SetupReport['forge'], target: string): SetupReport {
  return { forge, target, created: [], updated: [], unchanged: 0, missing: [] };
}

/** Compares colours the way both forges store them: case-insensitive, with or without `#`. */
export function sameColor(a: string, b: string): boolean {
  return a.replace('#', '').toLowerCase() === b.replace('#', '').toLowerCase();
}
