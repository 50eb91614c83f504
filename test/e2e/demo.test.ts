import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planQuarter } from '../../src/demo/scenario.js';
import type { AuditEntry } from '../../src/domain/types.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { DIGEST_DELIVERY_PREFIX } from '../../src/reports/run.js';
import { SWEEP_SOURCE } from '../../src/sweep/run.js';
import { ROOT } from '../support/process.js';

const ISSUES = 16;
const dir = mkdtempSync(join(tmpdir(), 'bk-demo-'));
let stdout = '';
let exitCode: number | null = null;
let store: SqliteStore;

/** `boardkeeper demo --exit`, as a person runs it: a child process, no config file, no token. */
function runDemoCli(): Promise<number | null> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src', 'cli.ts'),
      'demo',
      '--exit',
      '--port',
      '0',
      '--issues',
      String(ISSUES),
      '--data',
      dir,
    ],
    { cwd: ROOT, env: { ...process.env, GITLAB_TOKEN: '', GITHUB_TOKEN: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  return new Promise((resolve) => child.once('exit', resolve));
}

/** The rows of the printed board table: issue, kind, stage, labels. */
function tableRows(): { issue: string; kind: string; stage: string; labels: string[] }[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith('issue '));
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim()) break;
    const [issue, kind, stage, labels] = line.split(/ {2,}/);
    rows.push({ issue: issue!, kind: kind!, stage: stage!, labels: (labels ?? '').split(' ') });
  }
  return rows;
}

const issueOf = (entry: AuditEntry) => `${entry.forge}:${entry.project}#${entry.iid}`;

beforeAll(async () => {
  exitCode = await runDemoCli();
  store = new SqliteStore({ path: join(dir, 'demo.db') });
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('boardkeeper demo --exit', () => {
  it('plays the quarter and exits cleanly, with every delivery processed', async () => {
    expect(exitCode).toBe(0);
    expect(await store.inboxCounts()).toMatchObject({ queued: 0, processing: 0, dead: 0 });
  });

  it('catches up after its outage: every webhook that failed while it was down is redelivered from the logs', () => {
    const failed = Number(/outage: the service was down on days \d+–\d+; (\d+) webhooks failed/.exec(stdout)?.[1]);
    expect(failed).toBeGreaterThan(0);
    const caughtUp =
      /catch-up at the restart: redelivered from the hooks' delivery logs: gitlab (\d+) of (\d+) missed, github (\d+) of (\d+) missed/.exec(
        stdout,
      );
    expect(caughtUp).not.toBeNull();
    const [, gitlabDone, gitlabMissed, githubDone, githubMissed] = caughtUp!.map(Number);
    expect([gitlabDone, githubDone]).toEqual([gitlabMissed, githubMissed]);
    expect(gitlabMissed! + githubMissed!).toBe(failed);
  });

  it('leaves every issue with exactly one stage label, the one the service records', () => {
    const rows = tableRows();
    expect(rows).toHaveLength(ISSUES);
    for (const row of rows) {
      const stageLabels = row.labels.filter((label) => label.startsWith('stage::') || label.startsWith('initiative::'));
      expect(stageLabels, row.issue).toHaveLength(1);
      expect(stageLabels[0]!.split('::')[1], row.issue).toBe(row.stage);
      expect(row.labels, row.issue).not.toContain('needs-info');
    }
    expect(new Set(rows.map((row) => row.kind))).toEqual(new Set(['sow-request', 'strategic-initiative']));
  });

  it('flags each incomplete SOW request with needs-info and a comment, then clears both once it is fixed', async () => {
    const audit = (await store.audit({ limit: 100_000 })).reverse();
    const flagged = new Set(
      audit
        .filter((e) => e.action === 'labels' && (e.detail as { add: string[] }).add.includes('needs-info'))
        .map(issueOf),
    );
    expect(flagged.size).toBe(planQuarter(ISSUES).filter((engagement) => engagement.invalidAtFirst).length);
    for (const issue of flagged) {
      const own = audit.filter((e) => issueOf(e) === issue && e.result === 'applied');
      const cleared = own.findIndex(
        (e) => e.action === 'labels' && (e.detail as { remove: string[] }).remove.includes('needs-info'),
      );
      expect(cleared, issue).toBeGreaterThan(0);
      const comments = own
        .filter((e) => e.action === 'comment' && e.deliveryId !== 'sweep')
        .map((e) => (e.detail as { body: string }).body);
      expect(comments[0], issue).toMatch(/\*\*Customer name\*\* is required/);
      expect(comments.at(-1), issue).toMatch(/All required information is present/);
    }
  });

  it('does not loop: the webhooks caused by its own changes stay fewer than the people’s and the sweep’s', async () => {
    // The sweep changes the board too (SLA labels, stale): each of its API calls may cause one webhook.
    const sweepCalls = (await store.audit({ limit: 100_000 }))
      .filter((e) => e.deliveryId === 'sweep')
      .reduce((n, e) => n + e.apiCalls, 0);
    const match = /webhooks: (\d+) \((\d+) for people's changes, (\d+) for boardkeeper's own changes\)/.exec(stdout);
    expect(match).not.toBeNull();
    const [, total, people, own] = match!.map(Number) as [number, number, number, number];
    expect(people + own).toBe(total);
    expect(people).toBeGreaterThan(ISSUES * 5);
    expect(own).toBeLessThan(people + sweepCalls);
  });

  it('prints API calls per delivery that changed anything, as the audit log counts them, within the aims', async () => {
    const audit = await store.audit({ limit: 100_000 });
    const match =
      /API calls per delivery that changed anything: GitLab ([\d.]+) \((\d+) calls \/ (\d+) deliveries\), GitHub ([\d.]+) \((\d+) calls \/ (\d+) deliveries\)/.exec(
        stdout,
      );
    expect(match).not.toBeNull();
    const [, gitlabRate, gitlabCalls, gitlabDeliveries, githubRate, githubCalls, githubDeliveries] = match!.map(
      Number,
    ) as number[];
    for (const [forge, calls, deliveries] of [
      ['gitlab', gitlabCalls, gitlabDeliveries],
      ['github', githubCalls, githubDeliveries],
    ] as const) {
      // The sweep's and the digest's actions are not webhook deliveries.
      const own = audit.filter(
        (entry) =>
          entry.forge === forge &&
          entry.deliveryId !== SWEEP_SOURCE &&
          !entry.deliveryId?.startsWith(DIGEST_DELIVERY_PREFIX),
      );
      expect(own.length, forge).toBeGreaterThan(0);
      expect(calls, forge).toBe(own.reduce((sum, entry) => sum + entry.apiCalls, 0));
      expect(deliveries, forge).toBe(
        new Set(own.filter((entry) => entry.result === 'applied').map((entry) => entry.deliveryId)).size,
      );
    }
    // The aims of issue 14 for the default seed: batched GraphQL mutations on GitHub, no comment search on GitLab.
    expect(githubRate).toBeLessThanOrEqual(1.3);
    expect(gitlabRate).toBeLessThanOrEqual(1.2);
  });

  it('reports finished implementations from /metrics, matching the recorded transitions', async () => {
    const transitions = await store.transitions({});
    const live = new Set(
      transitions.filter((t) => t.to === 'production-live').map((t) => `${t.forge}:${t.project}#${t.iid}`),
    );
    const match = /finished: (\d+), median ([\d.]+) d, p90 ([\d.]+) d, within target (\d+)%/.exec(stdout);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBe(live.size);
    expect(live.size).toBeGreaterThan(0);
    // Durations span simulated weeks (the forge's event times), not the seconds the demo ran for.
    expect(Number(match![2])).toBeGreaterThan(7);
    expect(stdout).toMatch(/\/dashboard/);
  });

  it('prints one status link, for an engagement on the board, signed for that engagement', async () => {
    const match =
      /Status page for the customer of (gitlab|github) (\S+)#(\d+) \(([a-z-]+)\)[^\n]*\n {2}(http:\/\/\S+\/status\/([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]{43})\n/.exec(
        stdout,
      );
    expect(match).not.toBeNull();
    const [, forge, project, iid, stage, , claims] = match!;
    expect(stdout.match(/\/status\//g)).toHaveLength(1);
    expect(Buffer.from(claims!, 'base64url').toString('utf8').split('\n').slice(0, 3)).toEqual([forge, project, iid]);
    expect(tableRows().find((row) => row.issue.endsWith(`${project}#${iid}`))?.stage).toBe(stage);
  });

  it('sweeps on the simulated clock: engagements cross day 21 and day 30, each threshold acts once', async () => {
    const lines = stdout.split('\n');
    const start = lines.findIndex((line) => line.startsWith('day '));
    const end = lines.findIndex((line, i) => i > start + 1 && !/^\d+ /.test(line));
    const rows = lines.slice(start + 2, end).map((line) => {
      const [day, issue, policy, action, result] = line.split(/ {2,}/);
      return { day: Number(day), issue: issue!, policy: policy!, action: action!, result: result! };
    });
    expect(rows.every((row) => row.result === 'applied')).toBe(true);
    const added = (label: string) =>
      rows.filter((row) => row.action.startsWith('labels') && row.action.split(' ').includes(`+${label}`));
    expect(added('sla::at-risk').length).toBeGreaterThan(0);
    expect(added('sla::breached').length).toBeGreaterThan(0);
    for (const label of ['sla::at-risk', 'sla::breached']) {
      const issues = added(label).map((row) => row.issue);
      expect(new Set(issues).size, label).toBe(issues.length);
    }
    // A breach comes after the same issue's at-risk, in the same comment.
    for (const breach of added('sla::breached')) {
      const atRisk = added('sla::at-risk').find((row) => row.issue === breach.issue);
      if (atRisk) expect(atRisk.day).toBeLessThan(breach.day);
    }
    // Engineers log GitLab time; the two late engagements pass 80 % of their sold hours before go-live: one comment and one alert each.
    const burn = rows.filter((row) => row.policy === 'effort-burn');
    expect(burn.filter((row) => row.action.startsWith('comment')).map((row) => row.issue)).toHaveLength(2);
    expect(new Set(burn.map((row) => row.issue)).size).toBe(2);
    expect(burn.filter((row) => row.action.startsWith('alert'))).toHaveLength(2);
    const tally = /label changes applied: (\d+), comments applied: (\d+); alerts sent: (\d+)/.exec(stdout);
    expect(tally).not.toBeNull();
    expect(Number(tally![3])).toBe(rows.filter((row) => row.action.startsWith('alert')).length);
    expect(Number(tally![2])).toBe(rows.filter((row) => row.action.startsWith('comment')).length);
  });

  it('records the time engineers log, from GitLab time tracking and the GitHub board’s hours field', async () => {
    const logged = (await store.transitions({})).filter((t) => t.to.startsWith('+effort:'));
    expect(new Set(logged.map((t) => t.forge))).toEqual(new Set(['gitlab', 'github']));
    // Spent only grows in the demo: each issue's recorded totals never go down.
    const byIssue = new Map<string, typeof logged>();
    for (const t of logged) {
      const key = `${t.forge}:${t.project}#${t.iid}`;
      byIssue.set(key, [...(byIssue.get(key) ?? []), t]);
    }
    for (const [issue, entries] of byIssue) {
      const spent = entries.sort((a, b) => a.at.localeCompare(b.at)).map((t) => Number(t.to.split(':')[1] || 0));
      expect(spent, issue).toEqual([...spent].sort((a, b) => a - b));
    }
  });

  it('audits the sweep’s forge actions as its own, and their echoes never become transitions', async () => {
    const audit = await store.audit({ limit: 100_000 });
    const swept = audit.filter((entry) => entry.deliveryId === 'sweep');
    expect(swept.length).toBeGreaterThan(0);
    expect(
      swept.every(
        (entry) => entry.result === 'applied' && /^policy: /.test((entry.detail as { reason: string }).reason),
      ),
    ).toBe(true);
    const transitions = await store.transitions({});
    expect(transitions.filter((t) => /sla::|stale/.test(t.to))).toEqual([]);
    expect(
      transitions.filter((t) => t.at >= swept.at(-1)!.at && t.actor.includes('bot') && t.source === 'webhook'),
    ).toEqual([]);
  });

  it('files one weekly digest on the simulated GitHub at the end, audited, and says where', async () => {
    const match =
      /weekly digest (\d{4}-W\d{2}): "Weekly digest \1 \([^)]+\)" applied on the simulated GitHub as acme\/services#(\d+)/.exec(
        stdout,
      );
    expect(
      match,
      stdout
        .split('\n')
        .filter((line) => line.includes('digest'))
        .join('\n'),
    ).not.toBeNull();
    const filed = (await store.audit({ limit: 100_000 })).filter(
      (entry) => entry.deliveryId === `${DIGEST_DELIVERY_PREFIX}${match![1]}`,
    );
    expect(filed.map((entry) => [entry.action, entry.result, entry.forge, entry.iid])).toEqual([
      ['create-issue', 'applied', 'github', Number(match![2])],
    ]);
    expect(await store.getCursor(`digest.${match![1]}.delivered`)).toBe(
      JSON.stringify({ forge: `https://github.com/acme/services/issues/${match![2]}` }),
    );
  });
});
