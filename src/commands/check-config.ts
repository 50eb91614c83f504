import type { Command } from 'commander';
import { describeAlerts } from '../alerts/describe.js';
import { describeHookDiscovery } from '../catchup/hooks.js';
import { liveForges } from '../forges/clients.js';
import { resolvePolicies } from '../policies/resolve.js';
import { describeDigest } from '../reports/describe.js';
import { describeStore } from '../store/open.js';
import { configFrom } from './context.js';

export function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('validate the configuration (file + environment) and exit; non-zero with the key path of each problem')
    .action((_options, command: Command) => {
      const { config, path } = configFrom(command);
      const live = liveForges(config);
      const mode = (forge: 'gitlab' | 'github') => (live[forge] ? 'live' : 'dry-run');
      process.stdout.write(
        [
          `config: ${path ?? '(none found: built-in defaults)'} is valid`,
          `store: ${describeStore(config)}`,
          `gitlab: ${mode('gitlab')}, webhook secret ${config.gitlab.webhookSecret ? 'set' : 'NOT set (GitLab deliveries will be refused)'}`,
          `github: ${mode('github')}, webhook secret ${config.github.webhookSecret ? 'set' : 'NOT set (GitHub deliveries will be refused)'}`,
          `preset: ${config.preset}`,
          `policies: ${
            resolvePolicies(config)
              .map((policy) => policy.name)
              .join(', ') || 'none'
          }`,
          `sweep: ${config.sweep.enabled ? `every ${config.sweep.intervalMinutes} min inside serve` : 'off inside serve (boardkeeper sweep runs it on demand)'}`,
          `catch-up: ${describeHookDiscovery(config)}`,
          `alerts: ${describeAlerts(config)}`,
          `digest: ${describeDigest(config, Date.now())}`,
          '',
        ].join('\n'),
      );
    });
}
