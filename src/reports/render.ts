import { stats } from '../metrics/durations/stats.js';
import type { FinishedEngagement, Forecast, OpenEngagement, TargetStatus } from '../metrics/contract.js';
import { wentLive, type DigestInput } from './digest.js';
import { cell, change, days, issueLink, owners, percent, table } from './markdown.js';
import { describePeriod, type Period } from './period.js';

/** One section of the digest: its Markdown lines, starting with its `##` heading. */
export type DigestSection = (input: DigestInput) => string[];

const STATUS_TEXT: Record<TargetStatus, string> = {
  met: 'met',
  'on-track': 'on track',
  'at-risk': 'at risk',
  breached: 'breached',
};
const status = (value: TargetStatus | null) => (value === null ? '—' : STATUS_TEXT[value]);

/** To the tenth of a day shown, so a change reads as the difference of the two numbers beside it. */
const TENTH_DAY_SECONDS = 8_640;
const shown = (seconds: number | null) =>
  seconds === null ? null : Math.round(seconds / TENTH_DAY_SECONDS + 1e-9) * TENTH_DAY_SECONDS;

function periodFigures(rows: FinishedEngagement[]) {
  const summary = stats(rows.map((row) => row.seconds * 1000));
  const targeted = rows.filter((row) => row.status !== null);
  return {
    count: rows.length,
    median: shown(summary.median),
    p90: shown(summary.p90),
    withinTarget:
      targeted.length === 0 ? null : targeted.filter((row) => row.status === 'met').length / targeted.length,
  };
}

const wentLiveSection: DigestSection = (input) => {
  const rows = wentLive(input.all, input.period);
  const heading = `## Went live (${rows.length})`;
  if (rows.length === 0) return [heading, '', 'No engagement went live this period.'];
  return [
    heading,
    '',
    ...table(
      ['Engagement', 'Owners', 'Live on', 'Implementation', 'Target', 'Result'],
      rows.map((row) => [
        issueLink(row, row.title, input.issueUrl(row)),
        owners(row.assignees),
        row.end.slice(0, 10),
        days(row.seconds),
        row.targetDays === null ? '—' : `${row.targetDays} d`,
        status(row.status),
      ]),
    ),
  ];
};

const implementationSection: DigestSection = (input) => {
  const now = periodFigures(wentLive(input.all, input.period));
  const before = periodFigures(wentLive(input.all, input.previous));
  const dayDelta = (value: number) => days(value);
  const pointDelta = (value: number) => `${Math.round(value * 100)} pts`;
  return [
    `## Implementation (${input.all.kpi.name})`,
    '',
    ...table(
      ['', input.period.key, input.previous.key],
      [
        ['Went live', `${now.count}${change(now.count, before.count, String)}`, String(before.count)],
        ['Median', `${days(now.median)}${change(now.median, before.median, dayDelta)}`, days(before.median)],
        ['p90', `${days(now.p90)}${change(now.p90, before.p90, dayDelta)}`, days(before.p90)],
        [
          'Within target',
          `${percent(now.withinTarget)}${change(now.withinTarget, before.withinTarget, pointDelta)}`,
          percent(before.withinTarget),
        ],
      ],
    ),
  ];
};

function forecastCells(forecast: Forecast | null): [string, string, string] {
  if (forecast === null) return ['—', '—', '—'];
  if (forecast.status === 'too-little-history')
    return [`too little history (${forecast.samples} of ${forecast.minimumHistory})`, '', ''];
  return [forecast.p50, forecast.p85, percent(forecast.chanceWithinTarget)];
}

const OPEN_GROUPS: { status: TargetStatus | null; title: string }[] = [
  { status: 'breached', title: 'Breached' },
  { status: 'at-risk', title: 'At risk' },
  { status: 'on-track', title: 'On track' },
  { status: null, title: 'No target' },
];

const openSection: DigestSection = (input) => {
  const open = input.all.kpi.open;
  const total = input.all.durations.find((d) => d.name === input.all.kpi.name)?.open.count ?? open.length;
  const lines = [`## Open engagements (${total})`];
  if (open.length < total)
    lines.push('', `The ${open.length} with the highest risk are listed; the dashboard has them all.`);
  if (total === 0) return [...lines, '', 'No engagement is in implementation.'];
  for (const group of OPEN_GROUPS) {
    const rows = open.filter((row: OpenEngagement) => row.status === group.status);
    if (rows.length === 0) continue;
    lines.push(
      '',
      `### ${group.title} (${rows.length})`,
      '',
      ...table(
        ['Engagement', 'Owners', 'Stage', 'Days', 'P50 go-live', 'P85 go-live', 'Chance within target'],
        rows.map((row) => [
          issueLink(row, row.title, input.issueUrl(row)),
          owners(row.assignees),
          cell(row.stage ?? '—'),
          days(row.seconds),
          ...forecastCells(row.forecast),
        ]),
      ),
    );
  }
  return lines;
};

const crossingsSection: DigestSection = (input) => {
  const heading = '## Breached or at risk this period';
  if (input.crossings.length === 0) return [heading, '', 'Nothing crossed a threshold this period.'];
  return [
    heading,
    '',
    ...table(
      ['Engagement', 'Became', 'On'],
      input.crossings.map((crossing) => [
        issueLink(crossing, crossing.title, input.issueUrl(crossing)),
        cell(crossing.label),
        crossing.at.slice(0, 10),
      ]),
    ),
  ];
};

const pipelineSection: DigestSection = (input) => {
  const counts = new Map(input.open.issues.byStage.map((entry) => [entry.stage, entry.count]));
  const stages = input.salesStages.filter((stage) => counts.has(stage));
  const cycle = input.all.durations.find((d) => d.name === input.sowCycleDuration);
  const won = input.outcomes.filter((o) => o.outcome === 'won');
  const lost = input.outcomes.filter((o) => o.outcome === 'lost');
  const lines = ['## SOW pipeline', ''];
  lines.push(
    ...(stages.length === 0
      ? ['No open SOW request.']
      : table(
          ['Stage', 'Open'],
          stages.map((stage) => [cell(stage), String(counts.get(stage))]),
        )),
  );
  if (cycle)
    lines.push(
      '',
      `SOW cycle time (${cycle.finished.count} finished, all time): median ${days(cycle.finished.median)}, p90 ${days(cycle.finished.p90)}.`,
    );
  lines.push('', `Won this period: ${won.length} · lost: ${lost.length}.`);
  if (input.outcomes.length > 0) {
    lines.push(
      '',
      ...table(
        ['Engagement', 'Outcome', 'On'],
        input.outcomes.map((o) => [issueLink(o, o.title, input.issueUrl(o)), o.outcome, o.at.slice(0, 10)]),
      ),
    );
  }
  return lines;
};

const loadSection: DigestSection = (input) => {
  const rows = input.all.byAssignee;
  const heading = '## Load per engineer';
  if (rows.length === 0) return [heading, '', 'No issue has an assignee.'];
  return [
    heading,
    '',
    ...table(
      ['Engineer', 'Open', 'At risk', 'Breached', 'Finished', 'Median finished'],
      rows.map((row) => [
        cell(row.assignee),
        String(row.open),
        String(row.atRisk),
        String(row.breached),
        String(row.finished),
        days(row.finishedMedian),
      ]),
    ),
  ];
};

const initiativesSection: DigestSection = (input) => {
  const { issues } = input.initiatives;
  const heading = '## Strategic initiatives';
  if (issues.total === 0) return [heading, '', 'No strategic initiative is tracked.'];
  return [
    heading,
    '',
    `${issues.total} initiatives, ${issues.closed} closed.`,
    '',
    ...table(
      ['Stage', 'Initiatives'],
      issues.byStage.map((entry) => [cell(entry.stage), String(entry.count)]),
    ),
  ];
};

/**
 * The digest's sections in order. Plan health and capacity have no data yet (no plans, no capacity
 * model): each becomes a DigestSection here, fed by a field of DigestInput, once they exist.
 */
export const DIGEST_SECTIONS: readonly DigestSection[] = [
  wentLiveSection,
  implementationSection,
  openSection,
  crossingsSection,
  pipelineSection,
  loadSection,
  initiativesSection,
];

export function digestTitle(period: Period): string {
  return `Weekly digest ${period.key} (${describePeriod(period)})`;
}

/** The digest as Markdown. Pure: the same input gives the same text. */
export function renderDigest(input: DigestInput, sections: readonly DigestSection[] = DIGEST_SECTIONS): string {
  const links = [
    input.dashboardUrl ? `[Dashboard](${input.dashboardUrl.replace(/\/+$/, '')}/dashboard)` : null,
    `as of ${input.all.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ];
  const head = [`# ${digestTitle(input.period)}`, '', links.filter(Boolean).join(' · ')];
  return `${[head, ...sections.map((section) => section(input))].map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** The figures a chat announcement shows: went live, median and share within target, open risk, crossings, outcomes. */
export function digestHeadlines(input: DigestInput): string[] {
  const live = periodFigures(wentLive(input.all, input.period));
  const kpi = input.all.durations.find((d) => d.name === input.all.kpi.name);
  const risk = kpi?.open.byStatus;
  const won = input.outcomes.filter((o) => o.outcome === 'won').length;
  return [
    `Went live: ${live.count} · median ${days(live.median)} · within target ${percent(live.withinTarget)}`,
    `Open engagements: ${kpi?.open.count ?? 0}${risk ? ` (${risk.breached} breached, ${risk['at-risk']} at risk)` : ''}`,
    `Crossed a threshold: ${input.crossings.length} · SOW won ${won}, lost ${input.outcomes.length - won}`,
  ];
}
