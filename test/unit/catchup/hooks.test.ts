import { describe, expect, it } from 'vitest';
import { describeHookDiscovery, findHooks, webhookUrl } from '../../../src/catchup/hooks.js';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import type { ForgeClient, ForgeHook } from '../../../src/forges/forge.js';

const hook = (owner: string, id: number, url: string): ForgeHook => ({
  scope: 'project',
  owner,
  id,
  url,
  health: { status: 'ok', detail: '' },
});

function client(hooks: Record<string, ForgeHook[]>): ForgeClient {
  return {
    forge: 'gitlab',
    listHooks: async (project: string) => hooks[project] ?? [],
    getHook: async (scope, owner, id) => ({ ...hook(owner, id, 'configured'), scope }),
  } as ForgeClient;
}

const config = (input: ConfigInput) => configSchema.parse(input);

describe('finding the hooks', () => {
  it("matches each project's hooks by the public URL; a project without one is left to reconcile", async () => {
    const found = await findHooks(
      config({ reconcile: { publicUrl: 'https://bk.example.com/' } }),
      client({
        '1': [hook('1', 7, 'https://bk.example.com/webhooks/gitlab/'), hook('1', 8, 'https://ci.example.com/hook')],
        '2': [hook('2', 9, 'https://ci.example.com/hook')],
      }),
      ['1', '2'],
    );
    expect(found.hooks.map((h) => h.id)).toEqual([7]);
    expect(found.uncovered).toEqual(['2']);
  });

  it('reads the configured hooks; a group hook covers every project', async () => {
    const c = config({
      reconcile: {
        hooks: [
          { forge: 'gitlab', scope: 'group', owner: 'acme', id: 3 },
          { forge: 'github', scope: 'app' },
        ],
      },
    });
    const found = await findHooks(c, client({}), ['1', '2']);
    expect(found.hooks.map((h) => [h.scope, h.owner, h.id])).toEqual([['group', 'acme', 3]]);
    expect(found.uncovered).toEqual([]);
  });

  it('without a URL or configured hooks, reconciles every project', async () => {
    expect(await findHooks(config({}), client({}), ['1'])).toEqual({ hooks: [], uncovered: ['1'] });
    expect(webhookUrl(config({ alerts: { publicUrl: 'https://bk.example.com' } }), 'github')).toBe(
      'https://bk.example.com/webhooks/github',
    );
    expect(describeHookDiscovery(config({}))).toMatch(/no hook can be found/);
  });

  it('refuses a configured hook without owner and id, except the App hook', () => {
    expect(() => config({ reconcile: { hooks: [{ forge: 'gitlab', scope: 'project' }] } })).toThrow(
      /owner and id are required/,
    );
  });
});
