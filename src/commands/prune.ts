import type { Command } from 'commander';
import { pruneExpired, type Pruned } from '../engine/retention.js';
import { fail, withStore } from './context.js';

function days(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0)
    fail(`${option} must be a number of days (0 keeps everything), not '${value}'`);
  return parsed;
}

/** One line per kind of record: what was deleted, or why nothing was. */
export function describePruned(pruned: Pruned): string[] {
  const line = (what: Pruned['deliveries'], plural: [string, string], verb: string, setting: string) =>
    what
      ? `deleted ${what.deleted} ${what.deleted === 1 ? plural[0] : plural[1]} ${verb} before ${what.before}`
      : `kept every ${plural[0]} (${setting} is 0)`;
  return [
    line(pruned.deliveries, ['done delivery', 'done deliveries'], 'received', 'worker.retainDoneDays'),
    line(pruned.audit, ['audit entry', 'audit entries'], 'recorded', 'audit.retainDays'),
  ];
}

export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('delete done deliveries and audit entries past their retention (serve does this hourly)')
    .option('--older-than-days <n>', 'done deliveries older than this; default: worker.retainDoneDays (0: keep)')
    .option('--audit-older-than-days <n>', 'audit entries older than this; default: audit.retainDays (0: keep)')
    .action(async (options: { olderThanDays?: string; auditOlderThanDays?: string }, command: Command) => {
      await withStore(command, async (store, config) => {
        const retention = {
          doneDeliveryDays: days(options.olderThanDays, config.worker.retainDoneDays, '--older-than-days'),
          auditDays: days(options.auditOlderThanDays, config.audit.retainDays, '--audit-older-than-days'),
        };
        const pruned = await pruneExpired(store, retention, new Date());
        process.stdout.write(`${describePruned(pruned).join('\n')}\n`);
      });
    });
}
