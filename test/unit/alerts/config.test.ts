import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAlerts } from '../../../src/alerts/describe.js';
import { ConfigError, loadConfig, secretsOf } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-alerts-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ path: file('alerts.yml', yaml), env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const RECEIVERS = `alerts:
  publicUrl: https://boardkeeper.example.com
  receivers:
    - name: ops-slack
      type: slack
      kinds: [breached, dead-letter]
    - name: pager
      type: json
      url: https://hooks.example.com/boardkeeper
`;

describe('config section alerts', () => {
  it('has no receivers by default, so nothing is sent', () => {
    const { config } = loadConfig({ path: file('empty.yml', '{}'), env: {} });
    expect(config.alerts).toMatchObject({ enabled: true, receivers: [], maxAttempts: 5 });
  });

  it('takes URLs and secrets from ALERT_<NAME>_URL / _SECRET, or their *_FILE, and knows them as secrets', () => {
    const secretFile = file('pager-secret', 'pager-signing-secret-0123\n');
    const { config } = loadConfig({
      path: file('receivers.yml', RECEIVERS),
      env: { ALERT_OPS_SLACK_URL: 'https://hooks.slack.com/services/T0/B0/xyz', ALERT_PAGER_SECRET_FILE: secretFile },
    });
    expect(config.alerts.receivers).toEqual([
      {
        name: 'ops-slack',
        type: 'slack',
        url: 'https://hooks.slack.com/services/T0/B0/xyz',
        kinds: ['breached', 'dead-letter'],
        enabled: true,
      },
      {
        name: 'pager',
        type: 'json',
        url: 'https://hooks.example.com/boardkeeper',
        secret: 'pager-signing-secret-0123',
        kinds: [
          'at-risk',
          'breached',
          'stale',
          'suggest-lost',
          'over-burn',
          'dead-letter',
          'webhook-disabled',
          'webhook-silent',
        ],
        enabled: true,
      },
    ]);
    expect(secretsOf(config)).toEqual([
      'https://hooks.slack.com/services/T0/B0/xyz',
      'https://hooks.example.com/boardkeeper',
      'pager-signing-secret-0123',
    ]);
  });

  it.each([
    ['a receiver without its URL', {}, /^alerts\.receivers\.0\.url: /],
    [
      'a json receiver without a secret',
      { ALERT_OPS_SLACK_URL: 'https://hooks.slack.com/x' },
      /^alerts\.receivers\.1\.secret: .*ALERT_<NAME>_SECRET/,
    ],
    [
      'a URL that is not http(s)',
      { ALERT_OPS_SLACK_URL: 'ftp://hooks.example.com/x' },
      /^alerts\.receivers\.0\.url: an http\(s\) URL/,
    ],
    [
      'a secret too short to sign with',
      { ALERT_OPS_SLACK_URL: 'https://hooks.slack.com/x', ALERT_PAGER_SECRET: 'short' },
      /^alerts\.receivers\.1\.secret: at least 16/,
    ],
  ])('names the key path of %s', (_, env, expected) => {
    expect(problemsOf(RECEIVERS, env as Record<string, string>)).toContainEqual(expect.stringMatching(expected));
  });

  it.each([
    [
      'alerts:\n  receivers:\n    - { name: a, type: slack, url: "https://x.example", kinds: [late] }\n',
      /^alerts\.receivers\.0\.kinds\.0: /,
    ],
    [
      'alerts:\n  receivers:\n    - { name: Ops, type: slack, url: "https://x.example" }\n',
      /^alerts\.receivers\.0\.name: lower-case/,
    ],
    [
      'alerts:\n  receivers:\n    - { name: a, type: teams, url: "https://x.example" }\n',
      /^alerts\.receivers\.0\.type: /,
    ],
    [
      'alerts:\n  receivers:\n    - { name: a, type: slack, url: "https://x.example" }\n    - { name: a, type: slack, url: "https://y.example" }\n',
      /^alerts\.receivers: receiver names must be unique/,
    ],
    ['alerts:\n  publicUrl: boardkeeper.example.com\n', /^alerts\.publicUrl: /],
    ['alerts:\n  retries: 3\n', /^alerts: .*retries/],
  ])('names the key path of a bad value (%j)', (yaml, expected) => {
    expect(problemsOf(yaml)).toContainEqual(expect.stringMatching(expected));
  });

  it('explains an unreadable *_FILE by its variable', () => {
    expect(() =>
      loadConfig({ path: file('r.yml', RECEIVERS), env: { ALERT_PAGER_SECRET_FILE: join(dir, 'missing') } }),
    ).toThrow(/ALERT_PAGER_SECRET_FILE: cannot read/);
  });

  it('is summed up for check-config by receiver and kinds, without URLs', () => {
    const url = 'https://hooks.slack.com/services/T0/B0/xyz';
    const receivers = [
      { name: 'ops', type: 'slack', url, kinds: ['breached', 'dead-letter'] },
      { name: 'pager', type: 'json', url, secret: 'pager-signing-secret-0123' },
      { name: 'spare', type: 'slack', url, enabled: false },
    ];
    expect(describeAlerts(configSchema.parse({}))).toBe('none (no receivers configured)');
    expect(describeAlerts(configSchema.parse({ alerts: { receivers } }))).toBe(
      'ops (slack: breached, dead-letter), pager (json: every kind), spare (slack: switched off)',
    );
    expect(describeAlerts(configSchema.parse({ alerts: { enabled: false, receivers } }))).toBe(
      'switched off (alerts.enabled: false; 3 receivers configured)',
    );
  });
});
