import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { gitlabIssueHook } from '../support/payloads.js';
import { spawnServer } from '../support/process.js';
import { eventually } from '../support/service.js';
import { GITLAB_SECRET, gitlabHeaders } from '../support/signing.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = {
  BOARDKEEPER_DB_PATH: join(dir, 'bk.db'),
  GITLAB_WEBHOOK_SECRET: GITLAB_SECRET,
  BOARDKEEPER_CONFIG: join(dir, 'none.yml'),
};

const STAGES = ['intake', 'triage', 'discovery', 'estimate', 'sow-drafting'];

/** 500 deliveries: 100 issues × 5 stage moves, each a real-shaped Issue Hook with its own UUID. */
const deliveries = Array.from({ length: 500 }, (_, n) => {
  const iid = (n % 100) + 1;
  const step = Math.floor(n / 100);
  const body = gitlabIssueHook({
    action: 'update',
    iid,
    labels: [`stage::${STAGES[step]}`],
    previousLabels: step === 0 ? [] : [`stage::${STAGES[step - 1]}`],
    updatedAt: new Date(Date.UTC(2024, 0, 1 + step, 0, 0, iid)).toISOString(),
  });
  return { id: `crash-${String(n).padStart(3, '0')}`, body: JSON.stringify(body) };
});

describe('a kill -9 during intake', () => {
  it('loses no acknowledged delivery and processes each exactly once', async () => {
    // An empty config file, so the repo's sample config does not apply; short lease so the restart takes over quickly.
    await import('node:fs').then((fs) =>
      fs.writeFileSync(env.BOARDKEEPER_CONFIG, 'worker:\n  leaseMs: 1000\n  pollIntervalMs: 20\n'),
    );
    const first = await spawnServer(env);
    const acked = new Set<string>();
    let killed = false;
    const results = await Promise.allSettled(
      deliveries.map(async ({ id, body }) => {
        const response = await fetch(`${first.url}/webhooks/gitlab`, {
          method: 'POST',
          headers: gitlabHeaders(id),
          body,
        });
        if (response.status === 202 || response.status === 200) acked.add(id);
        if (!killed && acked.size >= 100) {
          killed = true;
          first.child.kill('SIGKILL');
        }
        return response.status;
      }),
    );
    await first.exited;
    expect(killed).toBe(true);
    const refused = results.filter((r) => r.status === 'rejected').length;
    expect(acked.size + refused).toBeLessThanOrEqual(500);

    const second = await spawnServer(env);
    const store = new SqliteStore({ path: env.BOARDKEEPER_DB_PATH });
    try {
      await eventually(
        async () => {
          const counts = await store.inboxCounts();
          return counts.queued === 0 && counts.processing === 0;
        },
        'the restarted service to drain the inbox',
        30_000,
      );
      const done = new Set((await store.listInbox('done', 1000)).map((row) => row.id));
      const missing = [...acked].filter((id) => !done.has(id));
      expect(missing).toEqual([]);
      expect((await store.inboxCounts()).dead).toBe(0);
      const processedLines = [...first.lines, ...second.lines].filter((line) =>
        line.includes('"msg":"delivery processed"'),
      );
      const perDelivery = new Map<string, number>();
      for (const line of processedLines) {
        const id = (JSON.parse(line) as { deliveryId: string }).deliveryId;
        perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
      }
      expect([...perDelivery.values()].every((n) => n === 1)).toBe(true);
      // Stage transitions are keyed by (issue, time, stage): none is doubled by the re-run of in-flight work.
      const transitions = await store.transitions({ forge: 'gitlab' });
      const keys = transitions.map((t) => `${t.iid}@${t.at}>${t.to}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(transitions.length).toBeGreaterThanOrEqual(new Set([...done].map((id) => Number(id.slice(6)) % 100)).size);
    } finally {
      await store.close();
      await second.kill('SIGTERM');
    }
  }, 120_000);
});
