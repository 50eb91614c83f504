import { describe, expect, it } from 'vitest';
import type { Alert, Alerter } from '../../../src/alerts/alert.js';
import { alertOnHookHealth, alertOnSilence } from '../../../src/catchup/health.js';
import type { ForgeHook } from '../../../src/forges/forge.js';

function memory(lastReceivedAt: string | null = null) {
  const cursors = new Map<string, string>();
  return {
    getCursor: async (name: string) => cursors.get(name) ?? null,
    setCursor: async (name: string, value: string) => {
      cursors.set(name, value);
      return true;
    },
    lastReceivedAt: async () => lastReceivedAt,
  };
}

function recording(): Alerter & { sent: Alert[] } {
  const sent: Alert[] = [];
  return { sent, send: async (alert) => void sent.push(alert) };
}

const hook = (status: ForgeHook['health']['status']): ForgeHook => ({
  scope: 'project',
  owner: '42',
  id: 7,
  url: 'https://bk.example.com/webhooks/gitlab',
  health: { status, detail: `alert_status ${status}` },
});
const now = () => new Date('2026-12-03T12:00:00Z');

describe('webhook-disabled', () => {
  it('alerts once per incident and once on recovery, whatever the passes in between', async () => {
    const context = { store: memory(), alerter: recording(), now };
    const passes: ForgeHook['health']['status'][] = ['ok', 'disabled', 'disabled', 'failing', 'ok', 'disabled', 'ok'];
    for (const status of passes) await alertOnHookHealth(context, 'gitlab', hook(status));
    expect(context.alerter.sent.map((a) => [a.kind, a.details?.['recovered']])).toEqual([
      ['webhook-disabled', false],
      ['webhook-disabled', true],
      ['webhook-disabled', false],
      ['webhook-disabled', true],
    ]);
  });
});

describe('webhook-silent', () => {
  it('alerts once per silence of a forge that has sent before, never for one that has not', async () => {
    const never = { store: memory(null), alerter: recording(), now };
    expect(await alertOnSilence(never, 'github', 24)).toBeNull();

    const silent = { store: memory('2026-12-02T06:00:00Z'), alerter: recording(), now };
    expect(await alertOnSilence(silent, 'github', 24)).toMatchObject({ kind: 'webhook-silent' });
    expect(await alertOnSilence(silent, 'github', 24)).toBeNull();
    expect(await alertOnSilence({ ...silent, store: memory('2026-12-02T06:00:00Z') }, 'github', 48)).toBeNull();
    expect(await alertOnSilence(silent, 'github', 0)).toBeNull();
    expect(silent.alerter.sent).toHaveLength(1);
  });
});
