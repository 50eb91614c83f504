import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { IssueState, Transition } from '../../../src/domain/types.js';
import { advanceMetrics, computeIssues, issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { IssueLedger } from '../../../src/metrics/table/ledger.js';
import { overlayTo } from '../../../src/domain/overlay.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { buildTable } from '../../../src/metrics/table/table.js';
import { state } from './ledger.js';

const calendar = metricsSettings(configSchema.parse({}));
const business = metricsSettings(configSchema.parse({ durations: { businessDays: true, holidays: ['2026-01-06'] } }));
const settings = calendar;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const STAGES = ['intake', 'triage', 'sow-signed', 'kickoff', 'deployment', 'on-hold', 'production-live', 'closed'];
const ISSUES: [forge: 'gitlab' | 'github', project: string, iid: number][] = [
  ['gitlab', '42', 1],
  ['gitlab', '42', 10],
  ['gitlab', '7', 2],
  ['github', 'acme/web', 3],
  ['github', 'acme/api', 3],
];

const transition = fc
  .record({
    issue: fc.constantFrom(...ISSUES),
    hour: fc.integer({ min: 0, max: 2_000 }),
    to: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...STAGES) },
      { weight: 1, arbitrary: fc.boolean().map((present) => overlayTo('status::blocked', present)) },
    ),
    from: fc.option(fc.constantFrom(...STAGES), { nil: null }),
    kind: fc.option(fc.constantFrom('implementation', 'sow-request'), { nil: null }),
    segment: fc.option(fc.constantFrom('smb', 'enterprise'), { nil: null }),
  })
  .map(
    ({ issue: [forge, project, iid], hour, to, from, kind, segment }): Transition => ({
      forge,
      project,
      iid,
      from,
      to,
      at: new Date(T0 + hour * HOUR).toISOString(),
      actor: 'ie',
      source: 'webhook',
      kind,
      segment,
    }),
  );

const issueState = fc
  .record({
    issue: fc.constantFrom(...ISSUES),
    labels: fc.subarray(['segment::mm', 'escalated', 'stage::kickoff']),
    closedHour: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: null }),
    title: fc.string({ maxLength: 5 }),
  })
  .map(({ issue: [forge, project, iid], labels, closedHour, title }) =>
    state(forge, project, iid, {
      labels,
      title,
      closedAt: closedHour === null ? null : new Date(T0 + closedHour * HOUR).toISOString(),
    }),
  );

/** A change the store hands out: a transition, or an issue state written (again). */
const change = fc.oneof(
  { weight: 4, arbitrary: transition.map((t) => ({ t })) },
  { weight: 1, arbitrary: issueState.map((s) => ({ s })) },
);

/** What a full read of the same store gives: every transition (in the store's issue order) and each issue's last state. */
function fullTable(changes: ({ t: Transition } | { s: IssueState })[], asOfMs: number, settings = calendar) {
  const transitions = changes.flatMap((c) => ('t' in c ? [c.t] : []));
  const order = (t: Transition) => [t.forge, t.project] as const;
  transitions.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] !== y[1] ? (x[1] < y[1] ? -1 : 1) : a.iid - b.iid;
  });
  const states = new Map(changes.flatMap((c) => ('s' in c ? [[JSON.stringify(c.s.ref), c.s] as const] : [])));
  return buildTable(computeIssues(issueFacts(transitions, [...states.values()]), settings, asOfMs), settings, asOfMs);
}

describe('the incremental issue ledger', () => {
  it('builds the table a full read builds, however the changes are split and whenever tables are taken in between', () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3_000 })), { maxLength: 6 }),
        fc.integer({ min: 1_000, max: 3_000 }),
        (changes, cuts, finalHour) => {
          const ledger = new IssueLedger(settings);
          // Split at the cut points; after each part, a table as of that cut's instant (possibly the same as the last).
          const points = [...new Set(cuts.map(([at]) => at % (changes.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          points.forEach((to, i) => {
            const part = changes.slice(from, to);
            ledger.apply({
              transitions: part.flatMap((c) => ('t' in c ? [c.t] : [])),
              states: part.flatMap((c) => ('s' in c ? [c.s] : [])),
            });
            ledger.table(T0 + cuts[i]![1] * HOUR);
            from = to;
          });
          const rest = changes.slice(from);
          ledger.apply({
            transitions: rest.flatMap((c) => ('t' in c ? [c.t] : [])),
            states: rest.flatMap((c) => ('s' in c ? [c.s] : [])),
          });
          const asOfMs = T0 + finalHour * HOUR;
          expect(ledger.table(asOfMs)).toEqual(fullTable(changes, asOfMs));
          // Asked again at the same instant, nothing is recomputed differently.
          expect(ledger.table(asOfMs)).toEqual(fullTable(changes, asOfMs));
        },
      ),
      { numRuns: 300 },
    );
  });
});

const iso = (hour: number) => new Date(T0 + hour * HOUR).toISOString();

/** Issue states with what makes metrics depend on the instant: template dates (some in the future), closing, a person's last change. */
const timedState = fc
  .record({
    issue: fc.constantFrom(...ISSUES),
    closedHour: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: null }),
    startHour: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: null }),
    endHour: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: null }),
    personHour: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: null }),
    updatedHour: fc.integer({ min: 0, max: 3_000 }),
  })
  .map(({ issue: [forge, project, iid], closedHour, startHour, endHour, personHour, updatedHour }) =>
    state(forge, project, iid, {
      closedAt: closedHour === null ? null : iso(closedHour),
      updatedAt: iso(updatedHour),
      extra: {
        fields: {
          ...(startHour === null ? {} : { implementation_start: iso(startHour) }),
          ...(endHour === null ? {} : { implementation_end: iso(endHour).slice(0, 10) }),
        },
        ...(personHour === null ? {} : { activity: { personAt: iso(personHour) } }),
      },
    }),
  );

describe('the issue ledger at a new instant', () => {
  it('gives, without new changes, the table a full rebuild at that instant gives, whichever instants came before', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 4, arbitrary: transition.map((t) => ({ t })) },
            { weight: 2, arbitrary: timedState.map((s) => ({ s })) },
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.array(fc.integer({ min: 0, max: 3_500 }), { minLength: 2, maxLength: 6 }),
        fc.boolean(),
        (changes, hours, businessDays) => {
          const measured = businessDays ? business : calendar;
          const ledger = new IssueLedger(measured);
          ledger.apply({
            transitions: changes.flatMap((c) => ('t' in c ? [c.t] : [])),
            states: changes.flatMap((c) => ('s' in c ? [c.s] : [])),
          });
          for (const hour of hours) {
            const asOfMs = T0 + hour * HOUR + 1_234;
            expect(ledger.table(asOfMs)).toEqual(fullTable(changes, asOfMs, measured));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('advanceMetrics', () => {
  it('gives what issueMetrics gives at the new instant, whenever it gives anything', () => {
    let advanced = 0;
    fc.assert(
      fc.property(
        fc.array(transition, { minLength: 1, maxLength: 15 }),
        fc.option(timedState, { nil: null }),
        fc.integer({ min: 1_500, max: 4_000 }),
        fc.integer({ min: 1_500, max: 4_000 }),
        fc.boolean(),
        (transitions, someState, fromHour, toHour, businessDays) => {
          const measured = businessDays ? business : calendar;
          const one = transitions.map((t) => ({ ...t, forge: 'gitlab' as const, project: '42', iid: 1 }));
          const [facts] = issueFacts(
            one,
            someState ? [{ ...someState, ref: { forge: 'gitlab', project: '42', iid: 1 } }] : [],
          );
          const [fromMs, toMs] = [T0 + fromHour * HOUR + 1_234, T0 + toHour * HOUR + 5_678];
          const moved = advanceMetrics(
            issueMetrics(facts!, measured, fromMs),
            facts!.timeline.lastAtMs,
            facts!.state,
            measured,
            fromMs,
            toMs,
          );
          if (moved === null) return;
          advanced++;
          expect(moved).toEqual(issueMetrics(facts!, measured, toMs));
        },
      ),
      { numRuns: 500 },
    );
    // The property says something only if most cases take the clock path.
    expect(advanced).toBeGreaterThan(100);
  });
});
