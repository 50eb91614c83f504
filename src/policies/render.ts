import { DAY_MS } from '../metrics/durations/measure.js';
import type { PolicyFacts } from './types.js';

/** The placeholders a policy's comment and alert texts may use, for one issue and one duration. */
export function placeholders(facts: PolicyFacts, durationName: string): Record<string, string> {
  const duration = facts.durations.get(durationName);
  const elapsedDays = duration ? Math.floor(duration.ms / DAY_MS) : null;
  const targetMs = duration?.targetMs ?? null;
  const leftMs = duration && targetMs !== null ? targetMs - duration.ms : null;
  return {
    mentions: facts.assignees.map((login) => `@${login.replace(/^@/, '')}`).join(' '),
    duration: durationName,
    elapsedDays: elapsedDays === null ? '-' : String(elapsedDays),
    targetDays: targetMs === null ? '-' : String(Math.round(targetMs / DAY_MS)),
    leftDays: leftMs === null ? '-' : String(Math.max(0, Math.ceil(leftMs / DAY_MS))),
    overDays: leftMs === null ? '-' : String(Math.max(0, Math.floor(-leftMs / DAY_MS))),
    idleDays: String(Math.floor(facts.idleMs / DAY_MS)),
    stage: facts.stage ?? '-',
    title: facts.title ?? '',
    forecast: facts.forecast ?? '',
  };
}

/**
 * Fill `{name}` placeholders. A line that was only placeholders and comes out empty (no forecast
 * yet, no assignees known) is left out rather than kept as a blank line.
 */
export function fill(template: string, values: Record<string, string>): string {
  return template
    .split('\n')
    .flatMap((line) => {
      const filled = line.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole).replace(/^ +/, '');
      return filled.trim() === '' && line.trim() !== '' ? [] : [filled];
    })
    .join('\n');
}
