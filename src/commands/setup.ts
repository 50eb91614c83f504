import type { Command } from 'commander';
import { createForgeClients } from '../forges/clients.js';
import { setupGithubRepo } from '../forges/github/setup.js';
import { setupGitlabProject } from '../forges/gitlab/setup.js';
import type { SetupReport } from '../forges/label-catalog.js';
import { configFrom, fail } from './context.js';

export function formatSetupReport(report: SetupReport): string {
  const lines = [`${report.forge} ${report.target}: ${report.created.length} created, ${report.updated.length} updated, ${report.unchanged} already right`];
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
    .description('create the preset labels (and on GitLab an issue board with one list per stage); check the GitHub project Status options. Safe to re-run')
    .option('--gitlab-project <id>', 'GitLab project id or path')
    .option('--github-repo <owner/repo>', 'GitHub repository')
    .action(async (options: { gitlabProject?: string; githubRepo?: string }, command: Command) => {
      const { config } = configFrom(command);
      if (!options.gitlabProject && !options.githubRepo) fail('name a target: --gitlab-project and/or --github-repo', 2);
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
      process.stdout.write(`${reports.map(formatSetupReport).join('\n')}\n`);
      if (reports.some((report) => report.missing.length > 0)) process.exitCode = 1;
    });
}
