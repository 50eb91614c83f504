import { InvalidArgumentError, type Command } from 'commander';
import type { MetricsReport } from '../metrics/contract.js';
import { runDemo, type DemoRun } from '../demo/run.js';
import { SIMULATED_GITHUB_REPO } from '../demo/simulator/index.js';
import type { IssueState } from '../domain/types.js';
import { statusLink } from '../status/link.js';
import {
  boardRows,
  callsPerDelivery,
  callsPerDeliveryLine,
  digestLines,
  formatTable,
  kpiSummary,
  outageLines,
  sweepRows,
  sweepTally,
} from '../demo/summary.js';

interface DemoFlags {
  issues: number;
  port: number;
  host: string;
  speed: number;
  seed: number;
  data?: string;
  exit?: boolean;
  verbose?: boolean;
}

function whole(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    return n;
  };
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected simulated days per second (0: no pauses)');
  return n;
}

async function printSummary(run: DemoRun, out: (line: string) => void): Promise<void> {
  const states = new Map(
    (await run.service.store.issueStates({})).map((s) => [`${s.ref.forge}:${s.ref.project}#${s.ref.iid}`, s]),
  );
  const rows = boardRows(
    run.engagements,
    run.issues,
    (issue) => states.get(`${issue.forge}:${issue.project}#${issue.iid}`) ?? null,
  );
  out('\nWhere each issue stands:\n');
  out(formatTable(rows.map((row) => ({ ...row }))));
  const sent = run.simulator.sender.sent;
  const byPeople = sent.filter((d) => d.origin === 'person').length;
  out(
    `\nwebhooks: ${sent.length} (${byPeople} for people's changes, ${sent.length - byPeople} for boardkeeper's own changes); ` +
      `forge API calls: ${run.simulator.counters.requests} (GitLab ${run.simulator.counters.byForge.gitlab}, GitHub ${run.simulator.counters.byForge.github})`,
  );
  out(callsPerDeliveryLine(callsPerDelivery(await run.service.store.audit({ limit: Number.MAX_SAFE_INTEGER }))));
  out('\nTime-driven policies (the sweep, at the end of each simulated day):\n');
  out(formatTable(sweepRows(run.sweeps)));
  out(sweepTally(run.sweeps, run.alerts));
  out('');
  for (const line of outageLines(run.outage)) out(line);
  const inbox = await run.service.store.inboxCounts();
  out(`deliveries: ${inbox.done} processed, ${inbox.dead} dead-lettered`);
  const response = await fetch(`${run.url}/metrics`, { headers: { accept: 'application/json' } });
  out('\nGET /metrics:');
  for (const line of kpiSummary((await response.json()) as MetricsReport)) out(`  ${line}`);
  out('');
  for (const line of digestLines(run.digest, run.simulator.githubApiUrl, SIMULATED_GITHUB_REPO)) out(line);
  const shown = statusPageIssue([...states.values()]);
  if (shown && run.config.status.secret) {
    const link = statusLink(run.url, shown.ref, run.config.status.secret, run.config.status.linkDays, new Date());
    out(
      `\nStatus page for the customer of ${shown.ref.forge} ${shown.ref.project}#${shown.ref.iid} (${shown.stage}), what \`boardkeeper status-link\` prints:\n  ${link.url}`,
    );
  }
}

/** An engagement in implementation makes the fullest status page; any SOW request otherwise. */
function statusPageIssue(states: IssueState[]): IssueState | undefined {
  const sow = states.filter((state) => state.kind === 'sow-request');
  return sow.find((state) => state.stage === 'deployment' || state.stage === 'configuration') ?? sow[0];
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'play a quarter of a services board against a built-in forge simulator, then keep serving the dashboard',
    )
    .option('--issues <n>', 'engagements to play, alternating GitLab and GitHub', whole(1), 16)
    .option('-p, --port <port>', 'port for the service (0: any free port)', whole(0), 3000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option(
      '--speed <days-per-second>',
      'simulated days per real second, to watch the dashboard move (0: as fast as possible)',
      rate,
      0,
    )
    .option('--seed <n>', 'seed of the scenario (the same seed plays the same quarter)', whole(0), 2027)
    .option(
      '--data <dir>',
      'keep the SQLite file (demo.db) in this directory (default: a temporary one, removed on exit)',
    )
    .option('--exit', 'stop after the summary instead of serving the dashboard')
    .option('--verbose', "log the service's work (JSON lines on stderr)")
    .addHelpText(
      'after',
      `
The demo needs no config, no token and no network. It starts
  - a forge simulator on 127.0.0.1: GitLab- and GitHub-shaped REST (+ GitHub GraphQL for the Projects
    board) for exactly the endpoints boardkeeper calls, keeping issues, labels and comments in memory and
    sending a signed webhook back for every change, including boardkeeper's own (so a loop would show);
  - boardkeeper itself, live (not dry-run), talking to the simulator, on SQLite.
Then people open SOW requests from the templates (some incomplete, fixed by an edit), move them through
every stage by label edits and, on GitHub, by the board's Status; put engagements on hold, lose deals,
and tick the exit criteria of strategic initiatives, over ~90 simulated days. For a few of those days
boardkeeper is down: the forges' deliveries fail and are not retried, and at the restart one
catch-up pass redelivers them from the hooks' delivery logs. The forge's event times
are used, so durations come out in days. At the end it prints where each issue stands and the /metrics
summary, and keeps serving /metrics, /dashboard and /audit until Ctrl+C (or exits with --exit).`,
    )
    .action(async (flags: DemoFlags) => {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `boardkeeper demo: ${flags.issues} engagements over a simulated quarter${flags.speed ? ` at ${flags.speed} days/s` : ''}…`,
      );
      const run = await runDemo({
        issues: flags.issues,
        seed: flags.seed,
        port: flags.port,
        host: flags.host,
        dataDir: flags.data ?? null,
        dayMs: flags.speed > 0 ? 1000 / flags.speed : 0,
        logLevel: flags.verbose ? 'info' : 'warn',
        onDay: (day) => {
          if (day % 15 === 0) out(`  day ${day}`);
        },
      });
      await printSummary(run, out);
      out(`\nboardkeeper listening on ${run.url}`);
      for (const path of ['/metrics', '/dashboard', '/audit']) out(`  ${run.url}${path}`);
      out(`forge simulator: ${run.simulator.gitlabUrl} (GitLab), ${run.simulator.githubApiUrl} (GitHub)`);
      if (flags.exit) {
        await run.close();
        return;
      }
      out('\nPress Ctrl+C to stop.');
      const stop = () => void run.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
