import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { startForgeSimulator, SIMULATED_GITHUB_REPO, type ForgeSimulator } from '../../src/demo/simulator/index.js';
import { createForgeClients } from '../../src/forges/clients.js';
import { metricsRoutes } from '../../src/http/metrics.js';
import { inProcessAnswers } from '../../src/metrics/runtime/answer-cache.js';
import { continuationMarker, digestParts, fileDigest } from '../../src/reports/deliver/forge.js';
import { gatherDigest } from '../../src/reports/gather.js';
import { parseWeek } from '../../src/reports/period.js';
import { DigestIncompleteError, runDigest } from '../../src/reports/run.js';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver.js';
import { BOARD_NOW, boardStore } from '../support/board-history.js';
import { GITHUB_SECRET, GITLAB_SECRET } from '../support/signing.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';

/** #109 went live on 2026-05-20, in 2026-W21; #110 (31 days before BOARD_NOW) is the week after. */
const W21 = parseWeek('2026-W21', 'UTC');
const now = () => new Date(BOARD_NOW);

describe('the digest, delivered', () => {
  let simulator: ForgeSimulator;
  let smtp: SmtpSink;
  let slack: AlertReceiver;

  beforeAll(async () => {
    simulator = await startForgeSimulator({ secrets: { gitlab: GITLAB_SECRET, github: GITHUB_SECRET } });
    smtp = await startSmtpSink({ user: 'digest-bot', password: 'smtp-password-1' });
    slack = await startAlertReceiver();
  });
  afterAll(async () => {
    await simulator?.close();
    await smtp?.close();
    await slack?.close();
  });

  function config(digest: NonNullable<ConfigInput['reports']>['digest'] = {}): Config {
    return configSchema.parse({
      gitlab: { url: simulator.gitlabUrl, token: 'glpat-digest' },
      github: { apiUrl: simulator.githubApiUrl, token: 'ghp_digest' },
      alerts: { publicUrl: 'https://boardkeeper.example.com', maxAttempts: 2, backoffBaseMs: 1, backoffMaxMs: 2 },
      reports: {
        digest: {
          forge: { forge: 'github', project: SIMULATED_GITHUB_REPO, labels: ['digest'] },
          slack: { url: `${slack.baseUrl}/services/T0/B0/digest` },
          email: {
            host: '127.0.0.1',
            port: smtp.port,
            user: 'digest-bot',
            password: 'smtp-password-1',
            from: 'boardkeeper@example.com',
            to: ['team@example.com', 'lead@example.com'],
          },
          ...digest,
        },
      },
    });
  }

  async function setUp(digest?: Parameters<typeof config>[0]) {
    const store = await boardStore();
    const cfg = config(digest);
    const reports = inProcessAnswers(store, cfg, {
      now,
      onRefreshError: (error) => {
        throw error;
      },
    });
    const clients = createForgeClients(cfg, { info: () => {} });
    const options = {
      config: cfg,
      store,
      metrics: (query: Parameters<typeof reports.answer>[0]) => reports.answer(query),
      filing: clients,
      holder: 'test',
      now,
    };
    return { store, config: cfg, reports, options };
  }

  it('files one issue, sends one e-mail and one Slack post for the period; a second run sends nothing', async () => {
    const { store, options } = await setUp();
    const before = { issues: simulator.model.issues.length, mail: smtp.received.length, slack: slack.received.length };
    const run = await runDigest({ ...options, period: W21 });
    expect(run?.deliveries.map((row) => [row.destination, row.result])).toEqual([
      ['forge', 'applied'],
      ['slack', 'applied'],
      ['email', 'applied'],
    ]);
    const filed = simulator.model.issues.slice(before.issues);
    expect(filed).toHaveLength(1);
    const issue = filed[0]!;
    expect(issue.title).toBe('Weekly digest 2026-W21 (18 May – 24 May 2026)');
    expect(issue.labels).toEqual(['digest']);
    expect(issue.body).toBe(run!.markdown);
    expect(issue.body).toContain('## Went live (1)');
    // Issue states without a webhook's address link to the project (GitLab has no address for an issue by project id).
    expect(issue.body).toContain(
      `| [ps/engagements#109 Dedicated instance for Woodgrove](${simulator.gitlabUrl}/projects/ps%2Fengagements) | ie-priya | 2026-05-20 | 34.0 d | 30 d | breached |`,
    );
    expect(run!.issueUrl).toBe(`https://github.com/${SIMULATED_GITHUB_REPO}/issues/${issue.iid}`);

    const mail = smtp.received.slice(before.mail);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({
      from: 'boardkeeper@example.com',
      to: ['team@example.com', 'lead@example.com'],
      user: 'digest-bot',
      subject: issue.title,
    });
    expect(mail[0]!.text.trimEnd()).toBe(run!.markdown!.trimEnd());

    const posts = slack.received.slice(before.slack);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe('/services/T0/B0/digest');
    const text = (JSON.parse(posts[0]!.body) as { text: string }).text;
    expect(text.split('\n')).toEqual([
      '*Weekly digest 2026-W21 (18 May – 24 May 2026)*',
      'Went live: 1 · median 34.0 d · within target 0 %',
      'Open engagements: 4 (1 breached, 1 at risk)',
      'Crossed a threshold: 0 · SOW won 0, lost 0',
      `<${run!.issueUrl}|Read the digest> · <https://boardkeeper.example.com/dashboard|Open the dashboard>`,
    ]);
    const audit = (await store.audit({ limit: 10 })).filter((entry) => entry.deliveryId === 'digest:2026-W21');
    expect(audit.map((entry) => [entry.action, entry.result, entry.project, entry.iid])).toEqual([
      ['create-issue', 'applied', SIMULATED_GITHUB_REPO, issue.iid],
    ]);

    const again = await runDigest({ ...options, period: W21 });
    expect(again?.markdown).toBeNull();
    expect(again?.deliveries.every((row) => row.result === 'already')).toBe(true);
    expect(again?.issueUrl).toBe(run!.issueUrl);
    expect([simulator.model.issues.length, smtp.received.length, slack.received.length]).toEqual([
      before.issues + 1,
      before.mail + 1,
      before.slack + 1,
    ]);
  });

  it('remembers the destinations that took it when one fails, and retries only that one', async () => {
    const refusing = await startAlertReceiver([{ status: 400 }]);
    try {
      const { options } = await setUp({ slack: { url: `${refusing.baseUrl}/hook` } });
      const week = parseWeek('2026-W23', 'UTC');
      const before = { issues: simulator.model.issues.length, mail: smtp.received.length };
      const failed = await runDigest({ ...options, period: week }).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(DigestIncompleteError);
      expect((failed as DigestIncompleteError).run.deliveries.map((row) => [row.destination, row.result])).toEqual([
        ['forge', 'applied'],
        ['slack', 'failed'],
        ['email', 'applied'],
      ]);
      const retried = await runDigest({ ...options, period: week });
      expect(retried?.deliveries.map((row) => [row.destination, row.result])).toEqual([
        ['forge', 'already'],
        ['email', 'already'],
        ['slack', 'applied'],
      ]);
      expect(refusing.received).toHaveLength(2);
      expect([simulator.model.issues.length, smtp.received.length]).toEqual([before.issues + 1, before.mail + 1]);
    } finally {
      await refusing.close();
    }
  });

  it('renders from the very object GET /metrics answers', async () => {
    const { store, config: cfg, reports } = await setUp();
    const app = Fastify();
    await app.register(metricsRoutes, { store, config: cfg, now, reports });
    const answer = await app.inject({ method: 'GET', url: '/metrics?limit=100000' });
    const open = await app.inject({ method: 'GET', url: '/metrics?state=open&limit=100000' });
    const input = await gatherDigest({ config: cfg, store, metrics: (query) => reports.answer(query), period: W21 });
    expect(input.all).toEqual(answer.json());
    expect(input.open).toEqual(open.json());
    await app.close();
  });

  it('replaces the pinned issue’s body each period instead of filing another', async () => {
    const { options } = await setUp({
      forge: { forge: 'gitlab', project: '42', mode: 'pinned' },
      slack: undefined,
      email: undefined,
    });
    const before = simulator.model.issues.length;
    const first = await runDigest({ ...options, period: W21 });
    const second = await runDigest({ ...options, period: parseWeek('2026-W22', 'UTC') });
    const filed = simulator.model.issues.slice(before);
    expect(filed).toHaveLength(1);
    expect(second!.issueUrl).toBe(first!.issueUrl);
    expect(filed[0]!.body).toBe(second!.markdown);
    expect(filed[0]!.body).toContain('# Weekly digest 2026-W22');
    expect(filed[0]!.title).toBe('Weekly digest 2026-W21 (18 May – 24 May 2026)');
  });

  it('records the filing as planned in the audit when the forge is in dry-run, and sends nothing there', async () => {
    const { store, options } = await setUp({ slack: undefined, email: undefined });
    const before = simulator.model.issues.length;
    const run = await runDigest({ ...options, filing: { gitlab: null, github: null }, period: W21 });
    expect(run?.deliveries).toEqual([
      {
        destination: 'forge',
        result: 'planned',
        detail: 'github is in dry-run: 1 call(s) recorded in the audit as planned',
      },
    ]);
    expect(simulator.model.issues.length).toBe(before);
    const audit = (await store.audit({ limit: 10 })).filter((entry) => entry.deliveryId === 'digest:2026-W21');
    expect(audit.map((entry) => [entry.action, entry.result, entry.iid])).toEqual([['create-issue', 'planned', 0]]);
  });

  it('splits a digest over GitHub’s limit into the body and continuation comments, losing nothing', async () => {
    const { options } = await setUp();
    const markdown = Array.from({ length: 3_000 }, (_, n) => `| row ${n} | ${'x'.repeat(60)} |\n`).join('');
    const parts = digestParts('github', markdown);
    expect(parts.length).toBe(4);
    const plan = {
      target: { mode: 'new-issue' as const, forge: 'github' as const, project: SIMULATED_GITHUB_REPO, labels: [] },
      title: 'Long digest',
      key: '2026-W21',
      parts,
    };
    let remembered: Awaited<ReturnType<typeof fileDigest>> | null = null;
    const memory = {
      load: async () => remembered,
      save: async (filed: typeof remembered & object) => void (remembered = filed),
    };
    const filed = await fileDigest(options.filing.github!, plan, memory, () => {});
    const issue = simulator.model.find('github', SIMULATED_GITHUB_REPO, filed.ref.iid)!;
    expect(issue.body.length).toBeLessThanOrEqual(65_536);
    expect(issue.comments).toHaveLength(3);
    expect(issue.comments.every((comment) => comment.body.length <= 65_536)).toBe(true);
    const continued = issue.comments.map((comment, i) => {
      const head = `${continuationMarker(i + 2)}\n_Digest 2026-W21, part ${i + 2} of 4._\n\n`;
      expect(comment.body.startsWith(head)).toBe(true);
      return comment.body.slice(head.length);
    });
    expect(issue.body + continued.join('')).toBe(markdown);
  });
});
