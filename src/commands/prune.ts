import type { Command } from 'commander';
import { fail, withStore } from './context.js';

export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('delete done deliveries older than N days (serve does this hourly with worker.retainDoneDays)')
    .option('--older-than-days <n>', 'age in days; default: worker.retainDoneDays from the config')
    .action(async (options: { olderThanDays?: string }, command: Command) => {
      await withStore(command, async (store, config) => {
        const days = options.olderThanDays === undefined ? config.worker.retainDoneDays : Number(options.olderThanDays);
        if (!Number.isFinite(days) || days <= 0) fail('--older-than-days must be a positive number of days');
        const before = new Date(Date.now() - days * 86_400_000).toISOString();
        const deleted = await store.prune(before);
        process.stdout.write(`deleted ${deleted} done deliver${deleted === 1 ? 'y' : 'ies'} received before ${before}\n`);
      });
    });
}
