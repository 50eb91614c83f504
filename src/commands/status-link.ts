import type { Command } from 'commander';
import { statusBaseUrl, statusLink } from '../status/link.js';
import { fail, withStore } from './context.js';

const HOW_TO_SET_A_SECRET =
  'no status secret configured: set STATUS_SECRET (or STATUS_SECRET_FILE, or status.secret in the config), at least 32 characters, e.g. `openssl rand -base64 32`, and give serve the same one';

/** As `status.linkDays` allows: a link is a credential, and a year is long enough for one. */
const MAX_DAYS = 366;
const isControl = (char: string) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;

export function registerStatusLink(program: Command): void {
  program
    .command('status-link')
    .description(
      "print a link to one engagement's read-only status page, for people outside the team (README, Status page for customers)",
    )
    .argument('<forge>', 'gitlab or github')
    .argument('<project>', 'GitLab project id or path, or GitHub owner/repo')
    .argument('<iid>', 'the issue number')
    .option('--days <n>', 'days the link stays valid (default status.linkDays, 30)')
    .addHelpText(
      'after',
      '\nThe link is signed with status.secret (STATUS_SECRET): changing the secret revokes every link made with it.\n',
    )
    .action(async (forge: string, project: string, iidText: string, flags: { days?: string }, command: Command) => {
      if (forge !== 'gitlab' && forge !== 'github')
        fail(`<forge> must be gitlab or github, not ${JSON.stringify(forge)}`, 2);
      if (project.trim() === '' || [...project].some(isControl))
        fail('<project> must be a project id or path without control characters', 2);
      if (!/^[1-9]\d{0,15}$/.test(iidText))
        fail(`<iid> must be a positive whole number, not ${JSON.stringify(iidText)}`, 2);
      const days = flags.days === undefined ? undefined : Number(flags.days);
      if (days !== undefined && !(/^\d+$/.test(flags.days!) && days >= 1 && days <= MAX_DAYS))
        fail(`--days must be a whole number of days, 1 to ${MAX_DAYS}`, 2);
      await withStore(command, async (store, config) => {
        const secret = config.status.secret;
        if (!secret) fail(HOW_TO_SET_A_SECRET, 2);
        const issue = { forge, project, iid: Number(iidText) } as const;
        const base = statusBaseUrl(config) ?? `http://localhost:${config.server.port}`;
        if (statusBaseUrl(config) === null)
          process.stderr.write(
            `boardkeeper: no status.publicUrl (or alerts.publicUrl) configured; the link starts with ${base}\n`,
          );
        if ((await store.transitions(issue)).length === 0) {
          process.stderr.write(
            `boardkeeper: nothing is recorded for ${forge} ${project}#${issue.iid} yet: the link answers 404 until it is (webhooks or backfill)\n`,
          );
        }
        const link = statusLink(base, issue, secret, days ?? config.status.linkDays, new Date());
        process.stdout.write(`${link.url}\n`);
        process.stderr.write(`valid until ${link.expiresAt.toISOString()}\n`);
      });
    });
}
