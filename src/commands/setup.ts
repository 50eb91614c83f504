import type { Command } from 'commander';
import { createForgeClients } from '../forges/clients.js';
import { setupGithubRepo } from '../forges/github/setup.js';
import { setupGitlabProject } from '../forges/gitlab/setup.js';
import { ensureGithubHook } from '../forges/github/hook-setup.js';
import { ensureGitlabHook } from '../forges/gitlab/hook-setup.js';
import { webhookUrl } from '../catchup/hooks.js';
import type { SetupReport } from '../forges/label-catalog.js';
import { configFrom, fail } from './context.js';

export function formatSetupReport(report: SetupReport): string {
  const lines = [
    `${report.forge} ${report.target}: ${report.created.length} created, ${report.updated.length} updated, ${report.unchanged} already right`,
  ];
  for (const item of report.created) lines.push(`  + ${item}`);
  for (const item of report.updated) lines.push(`  ~ ${item}`);
  if (report.missing.length) {
    lines.push('  missing (add them on the board, then run setup again):');
    for (const item of report.missing) lines.push(`  ! ${item}`);
  }
  return lines.join('\n');
}

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description(
      'create the preset labels (and on GitLab an issue board with one list per stage); check the GitHub project Status options. Safe to re-run',
    )
    .option('--gitlab-project <id>', 'GitLab project id or path')
    .option('--github-repo <owner/repo>', 'GitHub repository')
    .option('--gitlab-group <id>', 'register a GitLab group hook (all its projects) instead of a project hook')
    .option(
      '--github-org <org>',
      'register a GitHub organisation hook (Issues, Issue comments, Projects v2 items) instead of a repository hook',
    )
    .option('--no-hooks', 'labels and board only: do not register the webhooks')
    .addHelpText(
      'after',
      `
Webhooks: with reconcile.publicUrl (or alerts.publicUrl) and the forge's webhookSecret set, setup
also registers the hook that posts to <publicUrl>/webhooks/<forge> with the secret: GitLab Issues
and Comments events (project, or --gitlab-group), GitHub Issues and Issue comments (repository)
or also Projects v2 items (--github-org). An existing hook is found by its URL and only its events
are corrected; its secret is left as it is.`,
    )
    .action(
      async (
        options: {
          gitlabProject?: string;
          githubRepo?: string;
          gitlabGroup?: string;
          githubOrg?: string;
          hooks: boolean;
        },
        command: Command,
      ) => {
        const { config } = configFrom(command);
        if (!options.gitlabProject && !options.githubRepo)
          fail('name a target: --gitlab-project and/or --github-repo', 2);
        const clients = createForgeClients({ ...config, dryRun: false }, { info: () => {} });
        const reports: SetupReport[] = [];
        if (options.gitlabProject) {
          if (!clients.gitlab) fail('setup on GitLab needs gitlab.token', 2);
          reports.push(await setupGitlabProject(clients.gitlab, options.gitlabProject, config));
        }
        if (options.githubRepo) {
          if (!clients.github) fail('setup on GitHub needs github.token or github.app', 2);
          reports.push(await setupGithubRepo(clients.github, options.githubRepo, config));
        }
        if (options.hooks) {
          const hooks: Promise<SetupReport>[] = [];
          const gitlabUrl = webhookUrl(config, 'gitlab');
          if (options.gitlabProject && clients.gitlab && gitlabUrl && config.gitlab.webhookSecret) {
            const target = options.gitlabGroup
              ? (['group', options.gitlabGroup] as const)
              : (['project', options.gitlabProject] as const);
            hooks.push(ensureGitlabHook(clients.gitlab, target[0], target[1], gitlabUrl, config.gitlab.webhookSecret));
          }
          const githubUrl = webhookUrl(config, 'github');
          if (options.githubRepo && clients.github && githubUrl && config.github.webhookSecret) {
            const target = options.githubOrg
              ? (['organization', options.githubOrg] as const)
              : (['repository', options.githubRepo] as const);
            hooks.push(ensureGithubHook(clients.github, target[0], target[1], githubUrl, config.github.webhookSecret));
          }
          if (hooks.length === 0)
            process.stderr.write(
              'setup: no webhook registered (set reconcile.publicUrl or alerts.publicUrl and the webhook secrets)\n',
            );
          reports.push(...(await Promise.all(hooks)));
        }
        process.stdout.write(`${reports.map(formatSetupReport).join('\n')}\n`);
        if (reports.some((report) => report.missing.length > 0)) process.exitCode = 1;
      },
    );
}
