import type { Command } from 'commander';
import { fail, withStore } from './context.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('requeue deliveries by id (dead or done), or every dead letter with --dead')
    .argument('[ids...]', 'delivery ids (X-Gitlab-Event-UUID / X-GitHub-Delivery)')
    .option('--dead', 'requeue every dead letter')
    .action(async (ids: string[], options: { dead?: boolean }, command: Command) => {
      if (!options.dead && ids.length === 0) fail('name delivery ids to replay, or pass --dead');
      if (options.dead && ids.length > 0) fail('pass either ids or --dead, not both');
      const requeued = await withStore(command, (store) => store.requeue(options.dead ? { allDead: true } : { ids }));
      process.stdout.write(
        `requeued ${requeued} deliver${requeued === 1 ? 'y' : 'ies'}; a running service picks them up at its next poll\n`,
      );
      if (!options.dead && requeued < ids.length)
        process.stdout.write(`${ids.length - requeued} id(s) were not found or are still queued\n`);
    });
}
