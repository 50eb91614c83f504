import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  SIMULATED_GITLAB_PROJECT_ID,
  startForgeSimulator,
  type ForgeSimulator,
} from '../../src/demo/simulator/index.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { refusedUrl } from '../support/alert-receiver.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { eventually } from '../support/service.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-catch-up-serve-'));
const person = { login: 'ae', bot: false };
let simulator: ForgeSimulator | undefined;
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.kill();
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve catches up on start', () => {
  it('redelivers what the forge logged while nothing listened, within seconds of starting, and shows the hook on /metrics/service', async () => {
    const secret = randomBytes(8).toString('hex');
    simulator = await startForgeSimulator({ secrets: { gitlab: secret, github: 'unused-secret' } });
    const configPath = join(dir, 'boardkeeper.yml');
    const dbPath = join(dir, 'bk.db');
    writeFileSync(
      configPath,
      stringify({
        store: { sqlitePath: dbPath },
        gitlab: {
          url: simulator.gitlabUrl,
          token: 'glpat-test',
          webhookSecret: secret,
          projects: [SIMULATED_GITLAB_PROJECT_ID],
        },
        dryRun: true,
        reconcile: {
          hooks: [{ forge: 'gitlab', scope: 'project', owner: String(SIMULATED_GITLAB_PROJECT_ID), id: 1 }],
        },
      }),
    );
    // The service is not running yet: every delivery fails once and is not retried.
    simulator.setTarget(await refusedUrl());
    const { model } = simulator;
    const issue = model.open({
      forge: 'gitlab',
      title: 'Rollout',
      body: 'plain',
      labels: ['type::implementation'],
      author: 'ae',
      at: Date.now() - 60_000,
    });
    model.changeLabels(issue, ['stage::kickoff'], [], person, Date.now());
    await simulator.sender.idle();
    expect(simulator.sender.log.every((entry) => entry.status === null)).toBe(true);

    // Dry-run for the forge's actions (no token in the environment), but catch-up reads with the configured one.
    server = await spawnServer({ BOARDKEEPER_CONFIG: configPath, GITLAB_TOKEN: 'glpat-test' });
    simulator.setTarget(server.url);
    const store = new SqliteStore({ path: dbPath });
    try {
      await eventually(
        async () => (await store.transitions({})).length === 2,
        'both changes recorded after the restart',
        60_000,
      );
      expect((await store.transitions({})).map((t) => t.to)).toEqual(['intake', 'kickoff']);
    } finally {
      await store.close();
    }
    const metrics = await (await fetch(`${server.url}/metrics/service`)).text();
    expect(metrics).toMatch(/^boardkeeper_webhook_hook_status\{forge="gitlab",hook="project 42 hook 1"\} 0$/m);
    expect(metrics).toMatch(/^boardkeeper_catchup_recovered_total\{forge="gitlab",path="log"\} 2$/m);
  }, 90_000);
});
