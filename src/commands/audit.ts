import type { Command } from 'commander';
import type { AuditEntry } from '../domain/types.js';
import { auditQuerySchema } from '../forges/audit-query.js';
import { fail, withStore } from './context.js';

export function formatAuditLine(entry: AuditEntry): string {
  const detail = JSON.stringify(entry.detail);
  return `${entry.at}  ${entry.forge}:${entry.project}#${entry.iid}  ${entry.action.padEnd(12)} ${entry.result.padEnd(8)} calls=${entry.apiCalls} ${entry.latencyMs}ms  ${detail}`;
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('show executed and planned (dry-run) forge actions, newest first')
    .option('--forge <forge>', 'gitlab or github')
    .option('--project <project>', 'GitLab project id or GitHub owner/repo')
    .option('--iid <n>', 'one issue')
    .option('--limit <n>', 'entries to show', '50')
    .option('--json', 'print JSON')
    .action(async (options: Record<string, string | boolean | undefined>, command: Command) => {
      const { json, ...filters } = options;
      const parsed = auditQuerySchema.safeParse(filters);
      if (!parsed.success) fail(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '), 2);
      await withStore(command, async (store) => {
        const entries = await store.audit(parsed.data);
        if (json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        else
          process.stdout.write(entries.length ? `${entries.map(formatAuditLine).join('\n')}\n` : 'no audit entries\n');
      });
    });
}
