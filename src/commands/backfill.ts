import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../config/schema.js';
import type { ForgeName } from '../domain/types.js';
import { backfill, type BackfillProgress } from '../engine/backfill.js';
import { backfillVocabulary } from '../engine/backfill-transitions.js';
import type { ForgeClient } from '../forges/forge.js';
import { fail, withStore } from './context.js';

/** The API client for a forge, or null when the config has no credentials for it. */
export type ForgeClientFactory = (forge: ForgeName, config: Config) => ForgeClient | null;

interface BackfillFlags {
  forge: string;
  project: string;
  since?: string;
  batch: string;
}

const describe = (p: Readonly<BackfillProgress>) =>
  `${p.issues} issues replayed, ${p.skippedIssues} already done, ${p.entries} label events, ${p.recorded} new transitions`;

/** A live bar on a terminal; plain lines (one per batch) in logs and CI. */
function progressReporter(stream: NodeJS.WriteStream): {
  update: (p: Readonly<BackfillProgress>) => void;
  stop: () => void;
} {
  if (!stream.isTTY) {
    return { update: (p) => stream.write(`backfill: ${describe(p)}\n`), stop: () => {} };
  }
  const bar = new cliProgress.SingleBar({
    format: 'backfill {spinner} {status} | {duration_formatted}',
    stream,
    hideCursor: true,
  });
  const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let ticks = 0;
  bar.start(1, 0, { status: 'reading label history…', spinner: spinner[0] });
  return {
    update: (p) => bar.update(0, { status: describe(p), spinner: spinner[++ticks % spinner.length] }),
    stop: () => bar.stop(),
  };
}

export function registerBackfill(program: Command, clientFor: ForgeClientFactory): void {
  program
    .command('backfill')
    .description(
      "record past stage changes from the forge's label history (safe to rerun; resumes after an interruption)",
    )
    .requiredOption('--forge <forge>', 'gitlab or github')
    .requiredOption('--project <id>', 'GitLab project id or GitHub owner/repo')
    .option('--since <date>', 'only label changes on or after this date (YYYY-MM-DD)')
    .option('--batch <issues>', 'issues per store write and resume point', '50')
    .action(async (flags: BackfillFlags, command: Command) => {
      if (flags.forge !== 'gitlab' && flags.forge !== 'github')
        fail(`--forge must be gitlab or github, not ${flags.forge}`, 2);
      if (flags.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.since))
        fail('--since must be a date, YYYY-MM-DD', 2);
      const batchIssues = Number(flags.batch);
      if (!Number.isInteger(batchIssues) || batchIssues < 1) fail('--batch must be a positive integer', 2);
      await withStore(command, async (store, config) => {
        const client = clientFor(flags.forge as ForgeName, config);
        if (!client) fail(`no ${flags.forge} API token configured: backfill reads the forge's API`, 2);
        const stop = new AbortController();
        const interrupt = () => {
          process.stderr.write('\nbackfill: stopping after the current issue; run the same command again to resume\n');
          stop.abort();
        };
        process.once('SIGINT', interrupt);
        const reporter = progressReporter(process.stderr);
        let result: Awaited<ReturnType<typeof backfill>>;
        try {
          result = await backfill({
            client,
            store,
            vocabulary: backfillVocabulary(config),
            project: flags.project,
            since: flags.since,
            batchIssues,
            onProgress: reporter.update,
            signal: stop.signal,
          });
        } finally {
          reporter.stop();
          process.off('SIGINT', interrupt);
        }
        process.stdout.write(`backfill ${result.completed ? 'complete' : 'interrupted'}: ${describe(result)}\n`);
        if (!result.completed) process.exitCode = 130;
      });
    });
}
