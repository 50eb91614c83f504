import type { Config, DurationDefinition } from '../../config/schema.js';
import { PRESETS } from '../../config/presets.js';
import { stagesReaching } from './board-order.js';
import { DAY_MS, measureFor, type Measure } from './measure.js';

export interface ResolvedDefinition extends DurationDefinition {
  targetMs: number | null;
  atRiskMs: number | null;
}

/** Everything the pure metrics functions need from the configuration, resolved once. */
export interface MetricsSettings {
  definitions: ResolvedDefinition[];
  kpi: string;
  /** Board order, for sorting stage lists. */
  stageOrder: string[];
  /** Stage → the stages whose entry reaches it (itself and later ones): what an `enter` end event matches. */
  stagesReaching: ReadonlyMap<string, ReadonlySet<string>>;
  pausedStages: ReadonlySet<string>;
  pausedLabels: ReadonlySet<string>;
  terminalStages: ReadonlySet<string>;
  salesStages: ReadonlySet<string>;
  measure: Measure;
  measureName: 'calendar' | 'business';
  staleMs: number;
  suggestLostMs: number;
  bucketsDays: number[];
  forecast: Config['forecast'];
}

const days = (n: number | undefined): number | null => (n === undefined ? null : n * DAY_MS);

export function metricsSettings(config: Pick<Config, 'durations' | 'preset' | 'forecast'>): MetricsSettings {
  const d = config.durations;
  const preset = PRESETS[config.preset] ?? PRESETS.default!;
  return {
    definitions: d.definitions.map((definition) => {
      const isKpi = definition.name === d.kpi;
      return {
        ...definition,
        targetMs: days(definition.targetDays ?? (isKpi ? d.implementationTargetDays : undefined)),
        atRiskMs: days(definition.atRiskAfterDays ?? (isKpi ? d.atRiskAfterDays : undefined)),
      };
    }),
    kpi: d.kpi,
    stageOrder: [...preset.stages, preset.holdStage, ...preset.initiativeStages],
    stagesReaching: stagesReaching(preset, new Set(d.terminalStages)),
    pausedStages: new Set(d.pausedStages),
    pausedLabels: new Set(d.pausedLabels),
    terminalStages: new Set(d.terminalStages),
    salesStages: new Set(d.salesStages),
    measure: measureFor(d),
    measureName: d.businessDays ? 'business' : 'calendar',
    staleMs: d.staleAfterDays * DAY_MS,
    suggestLostMs: d.suggestLostAfterDays * DAY_MS,
    bucketsDays: [...d.bucketsDays].sort((a, b) => a - b),
    forecast: config.forecast,
  };
}
