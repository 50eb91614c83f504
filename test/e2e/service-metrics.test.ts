/**
 * `boardkeeper serve` in its own process, live against the forge simulator: the engine thread's
 * counts (attempts, forge requests) must reach /metrics/service on the main thread, and every
 * metric the Grafana dashboard queries must be exposed by one of the two endpoints it scrapes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateBody } from '../../src/demo/bodies.js';
import { startForgeSimulator, type ForgeSimulator } from '../../src/demo/simulator/index.js';
import { TEMPLATES } from '../../src/templates/index.js';
import { ROOT, spawnServer, type ServerProcess } from '../support/process.js';
import { eventually } from '../support/service.js';
import { gitlabHeaders } from '../support/signing.js';

const TOKEN = 'service-metrics-token';
const secrets = { gitlab: 'e2e-gitlab-secret', github: 'e2e-github-secret' };

/** Metric families a Prometheus text exposition declares (`# TYPE name type`). */
function families(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The sample value of `name{labels}` (labels matched as given, in order), or 0 when absent. */
function sample(exposition: string, series: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Whether `name` is one of the families, directly or as a histogram's / summary's series. */
function exposed(name: string, declared: Map<string, string>): boolean {
  if (declared.has(name)) return true;
  const series = /^(.*)_(bucket|sum|count)$/.exec(name);
  return series !== null && ['histogram', 'summary'].includes(declared.get(series[1]!) ?? '');
}

/** Metric names in a PromQL expression: label matchers and quoted strings removed, then the known prefixes. */
function metricNames(expr: string): string[] {
  const bare = expr.replace(/\{[^}]*\}/g, '').replace(/"[^"]*"/g, '');
  return [...bare.matchAll(/\b(?:boardkeeper|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]);
}

interface Panel {
  title?: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/boardkeeper.json'), 'utf8')) as {
    panels: Panel[];
  };
  const walk = (panels: Panel[]): { panel: string; expr: string }[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).map((t) => ({ panel: p.title ?? '', expr: t.expr })),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard.panels);
}

describe('service metrics of a served instance', () => {
  let simulator: ForgeSimulator;
  let server: ServerProcess;
  let dir: string;

  const scrape = async (path: string, token: string | null = TOKEN) =>
    fetch(`${server.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const serviceText = async () => (await scrape('/metrics/service')).text();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bk-service-metrics-'));
    simulator = await startForgeSimulator({ secrets });
    server = await spawnServer({
      BOARDKEEPER_DB_PATH: join(dir, 'bk.db'),
      GITLAB_URL: simulator.gitlabUrl,
      GITLAB_TOKEN: 'glpat-e2e',
      GITLAB_WEBHOOK_SECRET: secrets.gitlab,
      GITHUB_WEBHOOK_SECRET: secrets.github,
      METRICS_TOKEN: TOKEN,
    });
    simulator.setTarget(server.url);
  });

  afterAll(async () => {
    await server?.kill();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the metrics token', async () => {
    expect((await scrape('/metrics/service', null)).status).toBe(401);
    expect((await scrape('/metrics/service', 'wrong')).status).toBe(401);
  });

  it('counts intake on the main thread and attempts and forge requests from the engine thread', async () => {
    // An SOW request without its fields: the engine labels it and comments, through the simulator's API.
    simulator.model.open({
      forge: 'gitlab',
      title: 'SOW: metrics',
      body: templateBody('gitlab', 'sow-request', {}),
      labels: TEMPLATES['sow-request'].labels,
      author: 'ae',
      at: Date.now(),
    });
    const refused = await fetch(`${server.url}/webhooks/gitlab`, {
      method: 'POST',
      headers: { ...gitlabHeaders('refused-1', 'Issue Hook', 'not-the-secret'), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);

    let text = '';
    await eventually(
      async () => {
        text = await serviceText();
        return (
          sample(text, 'boardkeeper_delivery_attempts_total{forge="gitlab",result="done"}') >= 1 &&
          sample(text, 'boardkeeper_forge_requests_total{forge="gitlab",status="200"}') >= 1
        );
      },
      'the engine thread to report an attempt and a forge request',
      20_000,
    );

    expect(sample(text, 'boardkeeper_deliveries_total{forge="gitlab",outcome="stored"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'boardkeeper_deliveries_total{forge="gitlab",outcome="unauthorised"}')).toBe(1);
    expect(sample(text, 'boardkeeper_delivery_intake_to_done_seconds_count{forge="gitlab"}')).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'boardkeeper_delivery_processing_seconds_count{forge="gitlab",result="done"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^boardkeeper_inbox_deliveries\{status="done"\} [1-9]/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
  });

  it("exposes every metric the Grafana dashboard's queries name", async () => {
    const declared = new Map([
      ...families(await serviceText()),
      ...families(await (await scrape('/metrics?format=prometheus')).text()),
    ]);
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    for (const { panel, expr } of queries) {
      const names = metricNames(expr);
      expect(names, `${panel}: ${expr}`).not.toEqual([]);
      for (const name of names) expect(exposed(name, declared), `${panel}: ${name} is not exposed`).toBe(true);
    }
  });
});
