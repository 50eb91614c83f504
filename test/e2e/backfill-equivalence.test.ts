import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { waitUntilSettled } from '../../src/demo/run.js';
import {
  SIMULATED_GITHUB_REPO,
  SIMULATED_GITLAB_PROJECT_ID,
  startForgeSimulator,
  type ForgeSimulator,
} from '../../src/demo/simulator/index.js';
import type { ForgeModel } from '../../src/demo/simulator/model.js';
import { backfill } from '../../src/engine/backfill.js';
import { backfillVocabulary } from '../../src/engine/backfill-transitions.js';
import { createBackfillClients } from '../../src/forges/clients.js';
import { createService, type Service } from '../../src/service.js';
import { SqliteStore } from '../../src/store/sqlite.js';

/**
 * One history, arriving two ways: as webhooks from the forge simulator while people work (the
 * service in dry-run, so the forge's history holds only the people's changes), and afterwards by
 * `backfill` from the same simulator's history APIs into an empty store. /metrics must agree.
 */

const DAY = 86_400_000;
const START = Date.parse('2026-01-05T09:00:00Z');
const person = { login: 'ae', bot: false };
const log = pino({ level: 'silent' });

let simulator: ForgeSimulator;
let webhookService: Service;
let backfillService: Service;
let config: Config;

/** People's changes only: opened from a template (kind and segment labels), moved by labels, blocked, closed without a stage label, reopened. */
function playHistory(model: ForgeModel): void {
  const at = (days: number) => START + days * DAY;
  const gitlab = model.open({
    forge: 'gitlab',
    title: 'Rollout for Contoso',
    body: 'plain',
    labels: ['type::implementation', 'segment::enterprise'],
    author: 'ae',
    at: at(0),
  });
  model.changeLabels(gitlab, ['stage::kickoff'], [], person, at(2));
  model.changeLabels(gitlab, ['stage::deployment'], [], person, at(5));
  model.changeLabels(gitlab, ['status::blocked'], [], person, at(8));
  model.changeLabels(gitlab, [], ['status::blocked'], person, at(10.5));
  model.changeLabels(gitlab, ['stage::production-live'], [], person, at(20.25));
  model.setState(gitlab, 'closed', person, at(22));
  model.setState(gitlab, 'open', person, at(25));
  model.setState(gitlab, 'closed', person, at(27));

  const github = model.open({
    forge: 'github',
    title: 'SOW: Fabrikam',
    body: 'plain',
    labels: ['type::sow-request', 'segment::mm'],
    author: 'ae',
    at: at(1),
  });
  model.changeLabels(github, ['stage::discovery'], [], person, at(3));
  model.changeLabels(github, ['stage::sow-signed'], ['stage::discovery'], person, at(9));
  model.setState(github, 'closed', person, at(12));

  const lost = model.open({
    forge: 'gitlab',
    title: 'SOW: Tailspin',
    body: 'plain',
    labels: ['type::sow-request', 'segment::smb'],
    author: 'ae',
    at: at(4),
  });
  model.changeLabels(lost, ['outcome::lost'], [], person, at(6));
  model.setState(lost, 'closed', person, at(7));
}

async function metricsOf(service: Service): Promise<Record<string, unknown>> {
  const response = await service.app.inject({ url: '/metrics', headers: { accept: 'application/json' } });
  expect(response.statusCode).toBe(200);
  const { generatedAt: _generatedAt, ...report } = response.json() as Record<string, unknown>;
  return report;
}

beforeAll(async () => {
  const secrets = { gitlab: randomBytes(8).toString('hex'), github: randomBytes(8).toString('hex') };
  simulator = await startForgeSimulator({ secrets });
  config = configSchema.parse({
    worker: { pollIntervalMs: 10 },
    gitlab: { url: simulator.gitlabUrl, token: 'glpat-test', webhookSecret: secrets.gitlab },
    github: { apiUrl: simulator.githubApiUrl, token: 'ghp_test', webhookSecret: secrets.github },
    dryRun: true,
    durations: { cacheSeconds: 0 },
  });
  const webhookStore = new SqliteStore({ path: ':memory:' });
  await webhookStore.migrate();
  webhookService = await createService({ config, store: webhookStore, log });
  await webhookService.app.listen({ port: 0, host: '127.0.0.1' });
  webhookService.worker.start();
  simulator.setTarget(`http://127.0.0.1:${(webhookService.app.server.address() as AddressInfo).port}`);
  playHistory(simulator.model);
  await waitUntilSettled(webhookService, simulator, 30_000);

  const backfillStore = new SqliteStore({ path: ':memory:' });
  await backfillStore.migrate();
  const clients = createBackfillClients({ ...config, dryRun: false }, { info: () => {} });
  for (const [client, project] of [
    [clients.gitlab!, String(SIMULATED_GITLAB_PROJECT_ID)],
    [clients.github!, SIMULATED_GITHUB_REPO],
  ] as const) {
    const result = await backfill({ client, store: backfillStore, vocabulary: backfillVocabulary(config), project });
    expect(result.completed).toBe(true);
  }
  backfillService = await createService({ config, store: backfillStore, log });
}, 60_000);

afterAll(async () => {
  await webhookService?.close();
  await backfillService?.close();
  await simulator?.close();
});

describe('one history by webhooks or by backfill', () => {
  it('gives the same /metrics', async () => {
    const byWebhooks = await metricsOf(webhookService);
    expect(byWebhooks).toMatchObject({ issues: { total: 3, closed: 3 } });
    expect(await metricsOf(backfillService)).toEqual(byWebhooks);
  });

  it('records the same stage changes, including closes without a stage label and the reopen', async () => {
    const stages = async (service: Service) =>
      (await service.store.transitions({})).map((t) => `${t.forge}#${t.iid} ${t.from ?? '-'}→${t.to} ${t.at}`).sort();
    const byWebhooks = await stages(webhookService);
    expect(byWebhooks.filter((line) => line.includes('→closed'))).toHaveLength(4);
    expect(await stages(backfillService)).toEqual(byWebhooks);
  });
});
