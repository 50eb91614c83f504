import { DEFAULT_PRESET, PRESETS } from '../config/presets.js';
import type { Config } from '../config/schema.js';
import type { DEFAULT_POLICY_NAMES } from '../config/policies.js';
import type { Policy } from './types.js';

export const SLA_MARKER = '<!-- boardkeeper:sla -->';
export const SUGGEST_LOST_MARKER = '<!-- boardkeeper:suggest-lost -->';
export const SLA_LABELS = { atRisk: 'sla::at-risk', breached: 'sla::breached' } as const;
export const STALE_LABEL = 'stale';
export const EFFORT_BURN_MARKER = '<!-- boardkeeper:effort-burn -->';

/** Where the implementation clock runs on the default board; leaving it (forwards or back) ends the SLA labels. */
const IMPLEMENTATION_PATH = ['deployment', 'configuration', 'on-hold'];

const AT_RISK_BODY = `{mentions} :warning: **Implementation at risk**: day {elapsedDays} of the {targetDays}-day target, {leftDays} days left to go live.
{forecast}`;

const BREACHED_BODY = `{mentions} :rotating_light: **Implementation target breached**: day {elapsedDays}, {overDays} days past the {targetDays}-day target and not live yet.
{forecast}`;

const EFFORT_BURN_BODY = `{mentions} :hourglass_flowing_sand: **{burn} of the effort spent**: {spentHours} of {budgetHours} hours logged and not live yet. Time to review the scope or the SOW.`;

/** Stages at or after go-live on the default board: burn past them is no surprise. */
const LIVE_STAGES = ['production-live', 'ta-handoff'];

const SUGGEST_LOST_BODY = `{mentions} This engagement has had no activity for {idleDays} days in \`{stage}\`. If the deal is off, add \`outcome::lost\` and close it; boardkeeper never closes anything by itself.`;

type Name = (typeof DEFAULT_POLICY_NAMES)[number];

/**
 * The six policies boardkeeper ships. Thresholds come from the duration definitions (at-risk and
 * target days of the KPI, staleness and suggest-lost days, sales stages), so the policies and
 * /metrics agree.
 */
export function defaultPolicies(config: Pick<Config, 'durations' | 'preset'>): Record<Name, Omit<Policy, 'name'>> {
  const { durations } = config;
  const kpi = durations.kpi;
  // The SLA speaks only while the clock runs in the path: exactly when it is not cleared. A clock that
  // finished late keeps the status `breached` (as /metrics reports it), so without `running` an
  // engagement gone live and put back on hold would be breached and cleared in the same sweep.
  const slaRunning = { duration: kpi, running: true, stage: IMPLEMENTATION_PATH };
  // Finished work left open (a done initiative) is not stale.
  const preset = PRESETS[config.preset] ?? DEFAULT_PRESET;
  const finished = [
    ...new Set([...durations.terminalStages, preset.closedStage ?? 'closed', preset.initiativeClosedStage ?? 'done']),
  ];
  return {
    'implementation-at-risk': {
      when: { ...slaRunning, status: ['at-risk'] },
      actions: [
        { addLabel: SLA_LABELS.atRisk },
        { comment: { marker: SLA_MARKER, body: AT_RISK_BODY } },
        { alert: 'at-risk' },
      ],
      resolve: [],
    },
    'implementation-breached': {
      when: { ...slaRunning, status: ['breached'] },
      actions: [
        { removeLabel: SLA_LABELS.atRisk },
        { addLabel: SLA_LABELS.breached },
        { comment: { marker: SLA_MARKER, body: BREACHED_BODY } },
        { alert: 'breached' },
      ],
      resolve: [],
    },
    'implementation-sla-cleared': {
      when: { not: slaRunning },
      actions: [{ removeLabel: SLA_LABELS.atRisk }, { removeLabel: SLA_LABELS.breached }],
      resolve: [],
    },
    stale: {
      when: { open: true, idleDays: { atLeast: durations.staleAfterDays }, not: { stage: finished } },
      actions: [{ addLabel: STALE_LABEL }, { alert: 'stale' }],
      resolve: [{ removeLabel: STALE_LABEL }],
    },
    'suggest-lost': {
      when: { open: true, stage: durations.salesStages, idleDays: { atLeast: durations.suggestLostAfterDays } },
      actions: [{ comment: { marker: SUGGEST_LOST_MARKER, body: SUGGEST_LOST_BODY } }, { alert: 'suggest-lost' }],
      resolve: [],
    },
    'effort-burn': {
      when: { open: true, burn: { atLeast: 0.8 }, not: { stage: [...LIVE_STAGES, ...finished] } },
      actions: [{ comment: { marker: EFFORT_BURN_MARKER, body: EFFORT_BURN_BODY } }, { alert: 'over-burn' }],
      resolve: [],
    },
  };
}
