import type { DayRange, PolicyCondition, ShareRange } from '../config/policies.js';
import { DAY_MS } from '../metrics/durations/measure.js';
import type { PolicyFacts } from './types.js';

function inRange(ms: number, range: DayRange): boolean {
  const days = ms / DAY_MS;
  return (range.atLeast === undefined || days >= range.atLeast) && (range.below === undefined || days < range.below);
}

function inShare(share: number, range: ShareRange): boolean {
  return (range.atLeast === undefined || share >= range.atLeast) && (range.below === undefined || share < range.below);
}

/** Does the condition hold for the issue? `kpi` is the duration meant when the condition names none. Pure. */
export function matches(condition: PolicyCondition, facts: PolicyFacts, kpi: string): boolean {
  const duration = facts.durations.get(condition.duration ?? kpi);
  const running = duration?.state === 'open';
  const checks: (() => boolean)[] = [
    () => condition.open === undefined || condition.open === facts.open,
    () => condition.stage === undefined || (facts.stage !== null && condition.stage.includes(facts.stage)),
    () => condition.kind === undefined || (facts.kind !== null && condition.kind.includes(facts.kind)),
    () => condition.labelsPresent === undefined || condition.labelsPresent.every((l) => facts.labels.includes(l)),
    () => condition.labelsAbsent === undefined || !condition.labelsAbsent.some((l) => facts.labels.includes(l)),
    () => condition.idleDays === undefined || inRange(facts.idleMs, condition.idleDays),
    () => condition.burn === undefined || (facts.effort.burn !== null && inShare(facts.effort.burn, condition.burn)),
    () => condition.running === undefined || condition.running === running,
    () => condition.status === undefined || (duration?.status != null && condition.status.includes(duration.status)),
    () =>
      condition.elapsedDays === undefined || (duration !== undefined && inRange(duration.ms, condition.elapsedDays)),
    () => condition.any === undefined || condition.any.some((inner) => matches(inner, facts, kpi)),
    () => condition.not === undefined || !matches(condition.not, facts, kpi),
  ];
  return checks.every((check) => check());
}

/** The duration a policy's texts talk about: the first one its condition names, else the KPI. */
export function durationOf(condition: PolicyCondition, kpi: string): string {
  const named = (c: PolicyCondition): string | undefined =>
    c.duration ?? c.any?.map(named).find((n) => n !== undefined) ?? (c.not ? named(c.not) : undefined);
  return named(condition) ?? kpi;
}
