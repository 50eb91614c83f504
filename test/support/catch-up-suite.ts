import { afterEach, describe, expect, it } from 'vitest';
import type { ForgeName } from '../../src/domain/types.js';
import { eventually } from './service.js';
import { metricsOf, playAroundOutage, PROJECT, startOutage, transitionLines, type Outage } from './outage.js';

/** Started outages, closed after each test. */
export function outages(): (...args: Parameters<typeof startOutage>) => Promise<Outage> {
  const started: Outage[] = [];
  afterEach(async () => {
    for (const outage of started.splice(0)) await outage.close();
  });
  return async (...args) => {
    const outage = await startOutage(...args);
    started.push(outage);
    return outage;
  };
}

/** After the caught-up service and a backfill of the whole history are read as of one instant, they agree. */
async function expectSameAsBackfill(run: Outage): Promise<void> {
  const at = new Date();
  const oracle = await run.backfilled(at);
  expect(await transitionLines(run.service!)).toEqual(await transitionLines(oracle));
  expect(await metricsOf(await run.readback(at))).toEqual(await metricsOf(oracle));
}

/**
 * The service is stopped while people keep working and the forge sends deliveries it never
 * retries; started again, one catch-up pass records every change once, at the forge's time, with
 * the durations a full backfill gives: through the delivery log, or through reconcile without it.
 */
export function outageSuite(forge: ForgeName, log: string): void {
  const outage = outages();

  describe(`${forge}: catching up after the service was down`, () => {
    it(`redelivers from the ${log} what the inbox never stored: each change once, at its forge time`, async () => {
      const run = await outage(forge);
      const { missed } = await playAroundOutage(run, forge);
      expect(missed).toBeGreaterThan(0);

      const report = await run.catchUp();
      expect(report.hooks).toMatchObject([{ forge, missed, redelivered: missed }]);
      expect(report.hooks[0]!.unavailable).toBeUndefined();
      expect(report.reconciled).toEqual([]);
      await run.settled();

      await expectSameAsBackfill(run);
      // Nothing left: the redelivered deliveries are stored now.
      expect((await run.catchUp()).hooks).toMatchObject([{ missed: 0, redelivered: 0 }]);
    }, 60_000);

    it('catches up on start, as the engine runs the catch-up job under serve, within two minutes', async () => {
      const run = await outage(forge);
      await playAroundOutage(run, forge, { onStart: true });
      const oracle = await run.backfilled(new Date());
      const expected = await transitionLines(oracle);
      await eventually(
        async () => JSON.stringify(await transitionLines(run.service!)) === JSON.stringify(expected),
        'every missed change recorded',
        120_000,
      );
      await run.settled();
      expect(await transitionLines(run.service!)).toEqual(expected);
    }, 150_000);

    it('reconciling live leaves every issue with the one stage label the store records, as if it had been up', async () => {
      const run = await outage(forge);
      await playAroundOutage(run, forge, { onStart: true, logAvailable: false });
      const stageLabels = () =>
        run.simulator.model.issues.map((issue) => [
          issue.iid,
          issue.labels.filter((label) => label.startsWith('stage::')),
        ]);
      const recorded = async () =>
        (await run.service!.store.issueStates({ forge }))
          .map((state) => [state.ref.iid, [`stage::${state.stage}`]])
          .sort();
      await eventually(
        async () => {
          await run.settled();
          return JSON.stringify(stageLabels().sort()) === JSON.stringify(await recorded());
        },
        'the forge labels to converge on the recorded stages',
        120_000,
      );
      // The issue closed while the service was down is in the closed stage on the forge too.
      expect(run.simulator.model.issues.find((issue) => issue.title === 'Rollout for Contoso')!.labels).toContain(
        'stage::closed',
      );
    }, 150_000);

    it(`reconciles from the issues when the ${log} is unavailable`, async () => {
      const run = await outage(forge);
      await playAroundOutage(run, forge);
      run.simulator.setHookLogAvailable(false);

      const report = await run.catchUp();
      expect(report.hooks[0]!.unavailable).toMatch(/^not-found/);
      expect(report.reconciled).toMatchObject([{ forge, project: PROJECT[forge], issues: 3 }]);
      expect(report.reconciled[0]!.recorded).toBeGreaterThan(0);

      await expectSameAsBackfill(run);
      const again = await run.catchUp();
      expect(again.reconciled.map((r) => r.recorded)).toEqual([0]);
    }, 60_000);
  });
}
