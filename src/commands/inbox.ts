import type { Command } from 'commander';
import { withStore } from './context.js';

export function registerInbox(program: Command): void {
  program
    .command('inbox')
    .description('show how many deliveries are queued, processing, done and dead, and list the dead letters')
    .option('--limit <n>', 'dead letters to list', '20')
    .option('--json', 'print JSON')
    .action(async (options: { limit: string; json?: boolean }, command: Command) => {
      await withStore(command, async (store) => {
        const counts = await store.inboxCounts();
        const dead = await store.listInbox('dead', Number(options.limit) || 20);
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ counts, dead: dead.map(({ body: _body, ...row }) => row) }, null, 2)}\n`,
          );
          return;
        }
        const line = Object.entries(counts)
          .map(([status, n]) => `${status} ${n}`)
          .join('  ');
        process.stdout.write(`${line}\n`);
        if (dead.length) process.stdout.write('\ndead letters (replay with `boardkeeper replay <id>` or `--dead`):\n');
        for (const row of dead) {
          process.stdout.write(`  ${row.id}  ${row.event}  attempts=${row.attempts}  ${row.lastError ?? ''}\n`);
        }
      });
    });
}
