import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startForgeSimulator } from '../../../src/demo/simulator/index.js';

/**
 * GitHub publishes its REST schema (`@octokit/openapi-types`): the delivery-log items the client
 * reads, in the test fixture and as the forge simulator serves them, carry every field it requires.
 */
const typesFile = createRequire(import.meta.url).resolve('@octokit/openapi-types/types.d.ts');
const types = readFileSync(typesFile, 'utf8');

function requiredFields(schema: string): string[] {
  const start = types.indexOf(`    "${schema}": {`);
  const end = types.indexOf('\n    };', start);
  expect(start).toBeGreaterThan(0);
  return [...types.slice(start, end).matchAll(/^ {6}([a-z_]+):/gm)].map((match) => match[1]!);
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/hook-logs/github-hook-deliveries.json', import.meta.url), 'utf8'),
) as Record<string, unknown>[];

describe("GitHub's hook-delivery-item", () => {
  const required = requiredFields('hook-delivery-item');

  it('names the fields the client reads', () => {
    expect(required).toEqual(
      expect.arrayContaining(['id', 'guid', 'delivered_at', 'redelivery', 'status_code', 'event', 'action']),
    );
  });

  it('is what the fixture and the simulator give', async () => {
    for (const item of fixture) expect(Object.keys(item)).toEqual(expect.arrayContaining(required));
    const simulator = await startForgeSimulator({ secrets: { gitlab: 'a', github: 'b' } });
    try {
      const issue = simulator.model.open({
        forge: 'github',
        title: 't',
        body: '',
        labels: [],
        author: 'ae',
        at: Date.now(),
      });
      simulator.model.changeLabels(issue, ['stage::triage'], [], { login: 'ae', bot: false }, Date.now() + 1_000);
      await simulator.sender.idle();
      const response = await fetch(`${simulator.githubApiUrl}/repos/acme/services/hooks/1/deliveries?per_page=100`);
      const served = (await response.json()) as Record<string, unknown>[];
      expect(served.length).toBeGreaterThan(0);
      for (const item of served) expect(Object.keys(item)).toEqual(expect.arrayContaining(required));
    } finally {
      await simulator.close();
    }
  });

  it('is listed and redelivered at the paths the client calls', () => {
    for (const path of [
      '/repos/{owner}/{repo}/hooks/{hook_id}/deliveries',
      '/repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts',
      '/orgs/{org}/hooks/{hook_id}/deliveries',
      '/orgs/{org}/hooks/{hook_id}/deliveries/{delivery_id}/attempts',
      '/app/hook/deliveries',
      '/app/hook/deliveries/{delivery_id}/attempts',
    ])
      expect(types).toContain(`  "${path}": {`);
  });
});
