import type { Command } from 'commander';
import { describeStore } from '../store/open.js';
import { configFrom } from './context.js';

export function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('validate the configuration (file + environment) and exit; non-zero with the key path of each problem')
    .action((_options, command: Command) => {
      const { config, path } = configFrom(command);
      const mode = (token: unknown) => (config.dryRun === true || !token ? 'dry-run' : 'live');
      process.stdout.write(
        [
          `config: ${path ?? '(none found: built-in defaults)'} is valid`,
          `store: ${describeStore(config)}`,
          `gitlab: ${mode(config.gitlab.token)}, webhook secret ${config.gitlab.webhookSecret ? 'set' : 'NOT set (GitLab deliveries will be refused)'}`,
          `github: ${mode(config.github.token ?? config.github.app)}, webhook secret ${config.github.webhookSecret ? 'set' : 'NOT set (GitHub deliveries will be refused)'}`,
          `preset: ${config.preset}`,
        ].join('\n') + '\n',
      );
    });
}
