import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-config-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ path: file('reports.yml', yaml), env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the reports section', () => {
  it('defaults to every Monday 08:00 UTC, covering the previous ISO week, delivered nowhere', () => {
    const { digest } = loadConfig({ path: file('empty.yml', '{}'), env: {} }).config.reports;
    expect(digest).toEqual({
      enabled: true,
      schedule: '0 8 * * 1',
      timeZone: 'UTC',
      period: 'previous-week',
      leaseSeconds: 300,
    });
  });

  it.each([
    [
      'reports:\n  digest:\n    schedule: "every monday"\n',
      /^reports\.digest\.schedule: not a cron expression croner accepts: CronPattern: /,
    ],
    [
      'reports:\n  digest:\n    schedule: "0 25 * * 1"\n',
      /^reports\.digest\.schedule: not a cron expression croner accepts: .*hour/i,
    ],
    [
      'reports:\n  digest:\n    timeZone: Mars/Olympus\n',
      /^reports\.digest\.timeZone: an IANA time zone such as Europe\/Berlin$/,
    ],
    ['reports:\n  digest:\n    forge: { forge: bitbucket, project: x }\n', /^reports\.digest\.forge\.forge: /],
    [
      'reports:\n  digest:\n    forge: { forge: github, project: acme/x, mode: sticky }\n',
      /^reports\.digest\.forge\.mode: /,
    ],
    [
      'reports:\n  digest:\n    email: { host: smtp.example.com, from: a@example.com, to: [] }\n',
      /^reports\.digest\.email\.to: /,
    ],
    [
      'reports:\n  digest:\n    email: { host: smtp.example.com, user: bot, from: a@example.com, to: [b@example.com] }\n',
      /^reports\.digest\.email\.password: SMTP user and password go together/,
    ],
  ])('names the key of a bad value (%j)', (yaml, expected) => {
    expect(
      problems(yaml).some((problem) => expected.test(problem)),
      problems(yaml).join('\n'),
    ).toBe(true);
  });

  it('takes the SMTP server and credentials and the Slack URL from the environment, secrets also from *_FILE', () => {
    const password = file('smtp-password', 'hunter2-hunter2\n');
    const { config } = loadConfig({
      path: file(
        'email.yml',
        'reports:\n  digest:\n    email:\n      from: boardkeeper@example.com\n      to: [team@example.com]\n',
      ),
      env: {
        SMTP_HOST: 'smtp.example.com',
        SMTP_PORT: '465',
        SMTP_SECURE: 'true',
        SMTP_USER: 'bot',
        SMTP_PASSWORD_FILE: password,
        REPORTS_SLACK_URL: 'https://hooks.slack.com/services/T/B/X',
      },
    });
    expect(config.reports.digest.email).toEqual({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      user: 'bot',
      password: 'hunter2-hunter2',
      from: 'boardkeeper@example.com',
      to: ['team@example.com'],
    });
    expect(config.reports.digest.slack).toEqual({ url: 'https://hooks.slack.com/services/T/B/X' });
    expect(secretsOf(config)).toEqual(['https://hooks.slack.com/services/T/B/X', 'hunter2-hunter2']);
  });
});
