/**
 * Catch-up after an outage, per forge and per path: the service (dry-run, on a SQLite file) is
 * stopped while people move `ISSUES` engagements three times each through the forge simulator
 * (every delivery attempted once, as GitHub does), then started again and caught up by one pass:
 * through the hook's delivery log (redelivery), or with the log unavailable, through reconcile.
 * Measures the time from the restart to every change recorded, and the forge API calls the pass
 * made per missed delivery and per missed change.
 * Run: npx tsx bench/catch-up.ts [issues]
 */
import { performance } from 'node:perf_hooks';
import type { ForgeName } from '../src/domain/types.js';
import { PERSON, startOutage, wholeSecond } from '../test/support/outage.js';
import { printTable, saveResult } from './support.js';

const ISSUES = Number(process.argv[2] ?? 50);
const CHANGES_PER_ISSUE = 3;

async function measure(forge: ForgeName, path: 'log' | 'reconcile') {
  const outage = await startOutage(forge);
  try {
    const { model, sender } = outage.simulator;
    const before = wholeSecond(Date.now()) - 3_600_000;
    await outage.start();
    const issues = Array.from({ length: ISSUES }, (_, n) =>
      model.open({
        forge,
        title: `Engagement ${n}`,
        body: 'plain',
        labels: ['type::implementation', 'segment::mm'],
        author: 'ae',
        at: before + n * 1_000,
      }),
    );
    for (const issue of issues) model.changeLabels(issue, ['stage::kickoff'], [], PERSON, before + 600_000);
    await outage.settled();
    const stored = (await outage.service!.store.transitions({})).length;

    await outage.stop();
    const logged = sender.log.length;
    const down = wholeSecond(Date.now()) + 60_000;
    issues.forEach((issue, n) => {
      model.changeLabels(issue, ['stage::deployment'], ['stage::kickoff'], PERSON, down + n * 1_000);
      model.changeLabels(issue, ['status::blocked'], [], PERSON, down + 600_000 + n * 1_000);
      model.changeLabels(
        issue,
        ['stage::production-live'],
        ['stage::deployment', 'status::blocked'],
        PERSON,
        down + 1_200_000 + n * 1_000,
      );
    });
    await sender.idle();
    const missedDeliveries = sender.log.slice(logged).filter((entry) => entry.status === null).length;
    if (path === 'reconcile') outage.simulator.setHookLogAvailable(false);

    const restarted = performance.now();
    await outage.start();
    const report = await outage.catchUp();
    await outage.settled();
    const caughtUpMs = performance.now() - restarted;
    const recorded = (await outage.service!.store.transitions({})).length - stored;
    const missedChanges = ISSUES * CHANGES_PER_ISSUE;
    return {
      forge,
      path,
      missedDeliveries,
      missedChanges,
      // Four transitions per issue: deployment, +blocked, production-live, -blocked.
      recorded: `${recorded} of ${ISSUES * 4}`,
      restartToCaughtUpMs: Math.round(caughtUpMs),
      apiCalls: report.apiCalls,
      callsPerMissedDelivery: Number((report.apiCalls / missedDeliveries).toFixed(2)),
      callsPerMissedChange: Number((report.apiCalls / missedChanges).toFixed(2)),
    };
  } finally {
    await outage.close();
  }
}

const rows = [];
for (const forge of ['gitlab', 'github'] as const)
  for (const path of ['log', 'reconcile'] as const) rows.push(await measure(forge, path));
printTable(rows);
console.log(`saved ${saveResult('catch-up', { issues: ISSUES, rows })}`);
