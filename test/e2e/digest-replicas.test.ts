import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SIMULATED_GITLAB_PROJECT_ID,
  startForgeSimulator,
  type ForgeSimulator,
} from '../../src/demo/simulator/index.js';
import { weekContaining, previousWeek } from '../../src/reports/period.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver.js';
import { runSchema, type RunSchema } from '../support/postgres.js';
import { startReplica, stopReplica, writeReplicaConfig, type Replica } from '../support/replicas.js';
import { eventually } from '../support/service.js';
import { GITHUB_SECRET, GITLAB_SECRET } from '../support/signing.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';

describe('two replicas on PostgreSQL, both due to send the digest at the same instant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bk-digest-replicas-'));
  const configPath = writeReplicaConfig(dir);
  let run: RunSchema;
  let simulator: ForgeSimulator;
  let smtp: SmtpSink;
  let slack: AlertReceiver;
  let store: PostgresStore;
  const replicas: Replica[] = [];

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => stopReplica(replica)));
    await store?.close();
    await Promise.all([simulator?.close(), smtp?.close(), slack?.close()]);
    await run?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('files one issue, sends one e-mail and one Slack post between them; after a restart in the same period, nothing', async () => {
    [run, simulator, smtp, slack] = await Promise.all([
      runSchema('digest'),
      startForgeSimulator({ secrets: { gitlab: GITLAB_SECRET, github: GITHUB_SECRET } }),
      startSmtpSink(),
      startAlertReceiver(),
    ]);
    store = run.observe();
    await store.migrate();
    // Every minute: whenever the replicas start, the schedule has just fired and last week is due.
    appendFileSync(
      configPath,
      [
        'reports:',
        '  digest:',
        '    schedule: "* * * * *"',
        `    forge: { forge: gitlab, project: "${SIMULATED_GITLAB_PROJECT_ID}", labels: [digest] }`,
        '    email: { host: 127.0.0.1, port: ' +
          smtp.port +
          ', from: boardkeeper@example.com, to: [team@example.com] }',
        '',
      ].join('\n'),
    );
    const env = {
      DATABASE_URL: run.databaseUrl(),
      GITLAB_URL: simulator.gitlabUrl,
      GITLAB_TOKEN: 'glpat-digest',
      REPORTS_SLACK_URL: `${slack.baseUrl}/digest`,
    };
    replicas.push(...(await Promise.all([startReplica({ configPath, env }), startReplica({ configPath, env })])));
    simulator.setTarget(`http://127.0.0.1:${replicas[0]!.port}`);
    const key = previousWeek(weekContaining(Date.now(), 'UTC')).key;

    const finished = () => replicas.filter((replica) => replica.logs.some((line) => line.msg === 'digest finished'));
    await eventually(
      () => smtp.received.length > 0 && slack.received.length > 0 && finished().length > 0,
      'the digest e-mailed, posted and finished',
      30_000,
    );
    const digests = () => simulator.model.issues.filter((issue) => issue.labels.includes('digest'));
    expect(digests().map((issue) => issue.title)).toEqual([
      expect.stringMatching(new RegExp(`^Weekly digest ${key} `)),
    ]);
    expect(smtp.received.map((mail) => mail.subject)).toEqual([digests()[0]!.title]);
    expect(slack.received).toHaveLength(1);
    const senders = finished();
    expect(senders).toHaveLength(1);
    expect(senders[0]!.logs.find((line) => line.msg === 'digest finished')).toMatchObject({
      period: key,
      issue: expect.stringMatching(/\/issues\/\d+$/),
    });

    await Promise.all(replicas.splice(0).map((replica) => stopReplica(replica)));
    const restarted = await startReplica({ configPath, env });
    replicas.push(restarted);
    // Its first check takes the digest lease (and frees it) before asking whether anything is due.
    const client = new pg.Client({ connectionString: run.databaseUrl() });
    await client.connect();
    const holder = async () =>
      (await client.query<{ holder: string }>("SELECT holder FROM leases WHERE name = 'digest'")).rows[0]?.holder ?? '';
    await eventually(
      async () => (await holder()).startsWith(`${hostname()}:${restarted.child.pid}:`),
      'the restarted replica checked',
      30_000,
    );
    await client.end();
    expect(restarted.logs.filter((line) => line.component === 'digest')).toEqual([]);
    expect([digests().length, smtp.received.length, slack.received.length]).toEqual([1, 1, 1]);
  }, 120_000);
});
