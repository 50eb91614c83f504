import type { Command } from 'commander';
import pino from 'pino';
import { noAlerts } from '../alerts/alert.js';
import { createAlerter } from '../alerts/alerter.js';
import { formatTable } from '../demo/summary.js';
import { createForgeClients } from '../forges/clients.js';
import { createLogger } from '../logger.js';
import type { SweepReport } from '../sweep/report.js';
import { runSweep } from '../sweep/run.js';
import { holderId } from '../jobs/holder.js';
import { fail, withStore } from './context.js';

export function formatSweep(report: SweepReport, preview: boolean): string {
  const counts = new Map<string, number>();
  for (const row of report.rows) counts.set(row.result, (counts.get(row.result) ?? 0) + 1);
  const tally = [...counts].map(([result, n]) => `${n} ${result}`).join(', ') || 'nothing to do';
  const table = report.rows.length > 0 ? `${formatTable(report.rows.map((row) => ({ ...row })))}\n` : '';
  return `${table}${preview ? 'dry run: ' : ''}${tally} (${report.durationMs} ms)\n`;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(
      'run the time-driven policies once (SLA at risk / breached, stale, suggest lost) and print what was done',
    )
    .option('--dry-run', 'only print what the policies would do: no forge call, no alert, nothing stored')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Reads the store (not the forge) and calls the forge only for actual changes; every action is in the
audit log with delivery "sweep". Only one sweeper runs at a time: when serve (or another replica) is
sweeping right now, this command says so and exits with status 1.`,
    )
    .action(async (options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      const preview = options.dryRun === true;
      await withStore(command, async (store, config) => {
        const log = createLogger({ level: 'warn', destination: pino.destination(2) });
        const clients = preview ? { gitlab: null, github: null } : createForgeClients(config, { info: () => {} });
        const alerter = preview ? noAlerts : createAlerter(config, { store, log });
        const report = await runSweep({ config, store, clients, alerter, holder: holderId(), preview, log });
        if (!report)
          fail('another sweeper holds the sweep lease (serve or another replica is sweeping now); try again shortly');
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatSweep(report, preview));
      });
    });
}
