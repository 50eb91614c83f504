import type { Command } from 'commander';
import pino from 'pino';
import { createAlerter } from '../alerts/alerter.js';
import { describeCatchUp, runCatchUp } from '../catchup/run.js';
import { createBackfillClients, createForgeClients } from '../forges/clients.js';
import { createLogger } from '../logger.js';
import { holderId } from '../jobs/holder.js';
import { fail, withStore } from './context.js';

interface CatchUpFlags {
  since?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerCatchUp(program: Command): void {
  program
    .command('catch-up')
    .description('find what the forges sent while boardkeeper was down, and process it as if it had arrived on time')
    .option('--since <date>', 'look back to this date (YYYY-MM-DD or ISO instant) instead of the last delivery stored')
    .option('--dry-run', 'only print what was missed: nothing redelivered, stored, changed on the forge or alerted')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Per hook (reconcile.hooks, or the hooks whose URL is reconcile.publicUrl/webhooks/<forge>):
  reads its health (GitLab alert_status / disabled_until, GitHub active / last_response),
  reads its delivery log (GitHub: 3 days; GitLab 17.3+: 7 days) and asks the forge to redeliver
  every failed delivery the inbox does not hold; the redelivery is an ordinary webhook.
Where no log reaches (no hook found, log unavailable, a disabled hook, a gap older than the log):
  reconciles from the issues updated since then: their label and state history (as backfill
  reads it) recorded at the forge's times, then the rules on each issue's current state.
Rate limits are waited out as backfill does (backfill.maxWaitSeconds). Only one pass runs at a
time (the store lease "catch-up"): when another is running this command exits with status 1.`,
    )
    .action(async (flags: CatchUpFlags, command: Command) => {
      if (flags.since !== undefined && Number.isNaN(Date.parse(flags.since)))
        fail('--since must be a date, YYYY-MM-DD or an ISO instant', 2);
      const dryRun = flags.dryRun === true;
      await withStore(command, async (store, config) => {
        const log = createLogger({ level: 'warn', destination: pino.destination(2) });
        const readers = createBackfillClients({ ...config, dryRun: false }, log);
        if (!readers.gitlab && !readers.github)
          fail('no gitlab.token or github.token / github.app configured: catch-up reads the forges', 2);
        const report = await runCatchUp({
          config,
          store,
          clients: readers,
          actors: dryRun ? { gitlab: null, github: null } : createForgeClients(config, log),
          alerter: createAlerter(config, { store, log }),
          holder: holderId(),
          since: flags.since === undefined ? undefined : new Date(flags.since).toISOString(),
          dryRun,
          onProgress: (line) => process.stderr.write(`catch-up: ${line}\n`),
          log,
        });
        if (!report)
          fail(
            'another catch-up pass holds the lease (serve or another replica is catching up now); try again shortly',
          );
        process.stdout.write(
          flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${describeCatchUp(report).join('\n')}\n`,
        );
      });
    });
}
