import type { Command } from 'commander';
import pino from 'pino';
import type { Config } from '../config/schema.js';
import { createForgeClients } from '../forges/clients.js';
import { createLogger } from '../logger.js';
import { inProcessAnswers } from '../metrics/runtime/answer-cache.js';
import { PeriodError, periodFromArgument, type Period } from '../reports/period.js';
import { DigestIncompleteError, digestDestinations, runDigest, type DigestRun } from '../reports/run.js';
import { duePeriod } from '../reports/schedule.js';
import { holderId } from '../jobs/holder.js';
import { fail, withStore } from './context.js';

interface ReportOptions {
  period?: string;
  print?: boolean;
  dryRun?: boolean;
}

function periodOf(config: Config, argument: string | undefined): Period {
  const { digest } = config.reports;
  const nowMs = Date.now();
  try {
    if (argument !== undefined) return periodFromArgument(argument, nowMs, digest.timeZone);
  } catch (error) {
    if (error instanceof PeriodError) fail(`--period: ${error.message}`, 2);
    throw error;
  }
  return (
    duePeriod(digest, nowMs) ?? fail(`reports.digest.schedule "${digest.schedule}" has never fired: give --period`, 2)
  );
}

function describeRun(run: DigestRun): string {
  const rows = run.deliveries.map((row) => `  ${row.destination.padEnd(6)} ${row.result.padEnd(8)} ${row.detail}`);
  return `${run.title}\n${rows.join('\n')}\n`;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render the weekly digest on demand, plan its delivery, or send it')
    .option(
      '--period <week>',
      'last-week, or an ISO week such as 2026-W49 (default: the period the schedule last fired for)',
    )
    .option('--print', 'print the digest (Markdown) to stdout: nothing is sent or stored')
    .option(
      '--dry-run',
      'print where the digest would go and what each destination would get: nothing is sent or stored',
    )
    .addHelpText(
      'after',
      `
Without --print or --dry-run the digest is sent to every destination in reports.digest (a forge
issue, a Slack-compatible webhook, e-mail) that does not have it yet. A period is sent once across
replicas and restarts: sending a period again reports "already" and sends nothing. Weeks run
Monday to Sunday in reports.digest.timeZone.

Examples:
  boardkeeper report --print                    this week's digest as serve would send it
  boardkeeper report --period 2026-W49 --print  the digest of one ISO week
  boardkeeper report --period last-week --dry-run
Exit status: 0 done, 1 another replica is sending it now, 2 bad arguments or configuration.`,
    )
    .action(async (options: ReportOptions, command: Command) => {
      if (options.print && options.dryRun) fail('--print and --dry-run exclude each other', 2);
      const preview = options.print === true || options.dryRun === true;
      await withStore(command, async (store, config) => {
        const period = periodOf(config, options.period);
        if (!preview && digestDestinations(config).length === 0) {
          fail(
            'reports.digest has no destination (forge, slack or email) to send to: configure one, or use --print',
            2,
          );
        }
        const log = createLogger({ level: 'warn', destination: pino.destination(2) });
        const reports = inProcessAnswers(store, config, {
          now: () => new Date(),
          onRefreshError: (error) => log.warn({ err: error }, 'metrics: refreshing the table failed'),
        });
        try {
          const filing = preview ? { gitlab: null, github: null } : createForgeClients(config, { info: () => {} });
          let run: DigestRun | null;
          try {
            run = await runDigest({
              config,
              store,
              metrics: (query) => reports.answer(query),
              filing,
              holder: holderId(),
              period,
              preview,
              log,
            });
          } catch (error) {
            if (!(error instanceof DigestIncompleteError)) throw error;
            process.stdout.write(describeRun(error.run));
            fail(
              'not every destination took the digest; run the command again to retry those (the others are not sent twice)',
            );
          }
          if (!run) fail('another replica is sending this digest right now; try again shortly');
          process.stdout.write(options.print ? (run.markdown ?? '') : describeRun(run));
        } finally {
          await reports.close();
        }
      });
    });
}
