import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { waitUntilSettled } from '../../src/demo/run.js';
import {
  SIMULATED_GITLAB_PROJECT_ID,
  startForgeSimulator,
  type ForgeSimulator,
} from '../../src/demo/simulator/index.js';
import { createService, type Service } from '../../src/service.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { refusedUrl } from '../support/alert-receiver.js';
import { runCli } from '../support/process.js';
import { eventually } from '../support/service.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-catch-up-cli-'));
const person = { login: 'ae', bot: false };
let simulator: ForgeSimulator;
let service: Service;
let configPath: string;

/** `boardkeeper catch-up …` as a person runs it, against the forge simulator. */
const catchUpCli = (args: string[]) => runCli(['catch-up', '--config', configPath, ...args]);

beforeAll(async () => {
  const secret = randomBytes(8).toString('hex');
  simulator = await startForgeSimulator({ secrets: { gitlab: secret, github: 'unused-secret' } });
  const input = {
    store: { sqlitePath: join(dir, 'bk.db') },
    gitlab: {
      url: simulator.gitlabUrl,
      token: 'glpat-test',
      webhookSecret: secret,
      projects: [SIMULATED_GITLAB_PROJECT_ID],
    },
    reconcile: { hooks: [{ forge: 'gitlab', scope: 'project', owner: String(SIMULATED_GITLAB_PROJECT_ID), id: 1 }] },
  };
  configPath = join(dir, 'boardkeeper.yml');
  writeFileSync(configPath, stringify(input));
  const config = configSchema.parse({ ...input, worker: { pollIntervalMs: 10 }, dryRun: true });
  const store = new SqliteStore({ path: config.store.sqlitePath });
  await store.migrate();
  service = await createService({ config, store, log: pino({ level: 'silent' }) });
  await service.app.listen({ port: 0, host: '127.0.0.1' });
  service.worker.start();
  const url = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`;
  simulator.setTarget(url);
  const { model } = simulator;
  const issue = model.open({
    forge: 'gitlab',
    title: 'Rollout',
    body: 'plain',
    labels: ['type::implementation'],
    author: 'ae',
    at: Date.now() - 3_600_000,
  });
  await waitUntilSettled(service, simulator, 20_000);
  // Down: the forge's two deliveries fail once and are not retried.
  simulator.setTarget(await refusedUrl());
  model.changeLabels(issue, ['stage::kickoff'], [], person, Date.now() + 60_000);
  model.changeLabels(issue, ['stage::deployment'], ['stage::kickoff'], person, Date.now() + 120_000);
  await simulator.sender.idle();
  simulator.setTarget(url);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('boardkeeper catch-up', () => {
  it('--dry-run prints what the delivery log shows missing, and redelivers nothing', async () => {
    const { code, stdout } = await catchUpCli(['--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^gitlab project 42 hook 1: ok \(alert_status executable\); \d+ logged, 2 missed, 0 redelivered$/m,
    );
    expect(stdout).toMatch(/^github: skipped \(no API credentials/m);
    expect(stdout).toMatch(/dry run: nothing redelivered, stored or sent\)$/m);
    expect((await service.store.transitions({})).map((t) => t.to)).toEqual(['intake']);
  }, 30_000);

  it('redelivers them; the service records both moves, and a second run finds nothing', async () => {
    const { code, stdout } = await catchUpCli([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/, 2 missed, 2 redelivered$/m);
    await eventually(async () => (await service.store.transitions({})).length === 3, 'both moves recorded');
    expect((await service.store.transitions({})).map((t) => t.to)).toEqual(['intake', 'kickoff', 'deployment']);
    expect((await catchUpCli([])).stdout).toMatch(/, 0 missed, 0 redelivered$/m);
  }, 30_000);

  it('--help says what it reads and what it does', async () => {
    const { stdout } = await catchUpCli(['--help']);
    expect(stdout).toContain('--since <date>');
    expect(stdout).toContain('delivery log');
    expect(stdout).toContain('reconciles from the issues');
  }, 30_000);
});
