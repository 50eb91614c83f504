import { createHmac, timingSafeEqual } from 'node:crypto';
import { verify } from '@octokit/webhooks-methods';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.js';
import { createAlerter } from '../../../src/alerts/alerter.js';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import type { AuditEntry } from '../../../src/domain/types.js';
import { createLogger } from '../../../src/logger.js';
import {
  refusedUrl,
  startAlertReceiver,
  type AlertReceiver,
  type ScriptedAnswer,
} from '../../support/alert-receiver.js';

const T0 = Date.parse('2026-03-27T08:00:00Z');
const SLACK_PATH = '/services/T0001/B0002/slack-path-secret-4c1d';
const JSON_SECRET = 'json-signing-secret-7e3a9b';
const PUBLIC_URL = 'https://boardkeeper.example.com/';

const breached: Alert = {
  kind: 'breached',
  at: '2026-03-27T08:00:00.000Z',
  issue: {
    forge: 'github',
    project: 'acme/web',
    iid: 7,
    url: 'https://github.com/acme/web/issues/7',
    title: 'Acme rollout <EU>',
  },
  summary: 'Implementation at day 31 of 30, not live',
  details: { policy: 'implementation-breached', elapsedDays: 31 },
};

let receivers: AlertReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(script: ScriptedAnswer[] = [], otherwise?: ScriptedAnswer) {
  const started = await startAlertReceiver(script, otherwise);
  receivers.push(started);
  return started;
}

/** A clock that only moves when the alerter sleeps, and no jitter: retries are instant and exact. */
function harness(alerts: NonNullable<ConfigInput['alerts']>) {
  let nowMs = T0;
  const delays: number[] = [];
  const audit: AuditEntry[] = [];
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const alerter = createAlerter(configSchema.parse({ alerts }), {
    store: { recordAudit: async (entries) => void audit.push(...entries) },
    log,
    now: () => new Date(nowMs),
    sleep: async (ms) => {
      delays.push(ms);
      nowMs += ms;
    },
    random: () => 0,
  });
  return { alerter, delays, audit, lines };
}

describe('Slack-compatible receiver', () => {
  it('posts {"text"} with the kind, a link to the issue and one to the dashboard', async () => {
    const slack = await receiver();
    const { alerter, audit } = harness({
      publicUrl: PUBLIC_URL,
      receivers: [{ name: 'ops', type: 'slack', url: `${slack.baseUrl}${SLACK_PATH}` }],
    });
    await alerter.send(breached);
    expect(slack.received).toHaveLength(1);
    const [request] = slack.received;
    expect(request!.path).toBe(SLACK_PATH);
    expect(request!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request!.body);
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toBe(
      [
        '*Breached* · <https://github.com/acme/web/issues/7|acme/web#7 Acme rollout &lt;EU&gt;>',
        'Implementation at day 31 of 30, not live',
        '<https://boardkeeper.example.com/dashboard|Open the dashboard>',
      ].join('\n'),
    );
    expect(audit).toMatchObject([
      {
        forge: 'github',
        project: 'acme/web',
        iid: 7,
        action: 'alert',
        result: 'applied',
        apiCalls: 1,
        detail: { receiver: 'ops', kind: 'breached' },
      },
    ]);
  });

  it('leaves the dashboard link out without alerts.publicUrl, the issue link without its URL, and names an issue known by node id only', async () => {
    const slack = await receiver();
    const { alerter } = harness({ receivers: [{ name: 'ops', type: 'slack', url: slack.baseUrl }] });
    await alerter.send({ ...breached, issue: { forge: 'gitlab', project: '42', iid: 3 } });
    expect(JSON.parse(slack.received[0]!.body).text).toBe(
      '*Breached* · 42#3\nImplementation at day 31 of 30, not live',
    );
    await alerter.send({ ...breached, issue: { forge: 'github', project: '', iid: 0, nodeId: 'I_kwDOA' } });
    expect(JSON.parse(slack.received[1]!.body).text).toBe(
      '*Breached* · github issue I_kwDOA\nImplementation at day 31 of 30, not live',
    );
  });
});

describe('signed JSON receiver', () => {
  it('signs the raw body like GitHub does, so a receiver can verify it', async () => {
    const hook = await receiver();
    const { alerter } = harness({
      publicUrl: PUBLIC_URL,
      receivers: [{ name: 'pager', type: 'json', url: `${hook.baseUrl}/hook`, secret: JSON_SECRET }],
    });
    await alerter.send(breached);
    const [request] = hook.received;
    const signature = request!.headers['x-boardkeeper-signature-256'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    // What a receiver does: HMAC the raw body with the shared secret and compare in constant time.
    const expected = Buffer.from(`sha256=${createHmac('sha256', JSON_SECRET).update(request!.body).digest('hex')}`);
    expect(timingSafeEqual(Buffer.from(signature), expected)).toBe(true);
    expect(await verify(JSON_SECRET, request!.body, signature)).toBe(true);
    expect(await verify('another-secret-entirely', request!.body, signature)).toBe(false);

    const body = JSON.parse(request!.body);
    expect(request!.headers['x-boardkeeper-delivery']).toBe(body.id);
    expect(request!.headers['x-boardkeeper-timestamp']).toBe(String(T0 / 1000));
    expect(request!.headers['x-boardkeeper-event']).toBe('breached');
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sentAt: '2026-03-27T08:00:00.000Z',
      kind: 'breached',
      at: breached.at,
      summary: breached.summary,
      issue: breached.issue,
      links: { issue: 'https://github.com/acme/web/issues/7', dashboard: 'https://boardkeeper.example.com/dashboard' },
      details: breached.details,
    });
  });

  it('keeps the delivery id and signature across retries, so a receiver can drop a repeat', async () => {
    const hook = await receiver([{ status: 502 }]);
    const { alerter } = harness({
      receivers: [{ name: 'pager', type: 'json', url: hook.baseUrl, secret: JSON_SECRET }],
    });
    await alerter.send(breached);
    const [first, second] = hook.received;
    expect(second!.headers['x-boardkeeper-delivery']).toBe(first!.headers['x-boardkeeper-delivery']);
    expect(second!.body).toBe(first!.body);
  });
});

describe('retries', () => {
  it('retries after a 500 and after a 429, never sooner than its Retry-After', async () => {
    const slack = await receiver([{ status: 500 }, { status: 429, headers: { 'retry-after': '7' } }]);
    const { alerter, delays, audit } = harness({ receivers: [{ name: 'ops', type: 'slack', url: slack.baseUrl }] });
    await alerter.send(breached);
    expect(slack.received).toHaveLength(3);
    // Full jitter with random() = 0 waits nothing, except where Retry-After sets the floor.
    expect(delays).toEqual([0, 7_000]);
    expect(audit).toMatchObject([{ result: 'applied', apiCalls: 3, latencyMs: 7_000 }]);
  });

  it('gives up after alerts.maxAttempts and audits the failure', async () => {
    const slack = await receiver([], { status: 503 });
    const { alerter, audit, lines } = harness({
      maxAttempts: 3,
      receivers: [{ name: 'ops', type: 'slack', url: slack.baseUrl }],
    });
    await alerter.send(breached);
    expect(slack.received).toHaveLength(3);
    expect(audit).toMatchObject([
      { action: 'alert', result: 'failed', apiCalls: 3, detail: { receiver: 'ops', status: 503, reason: 'HTTP 503' } },
    ]);
    expect(lines.some((line) => line.includes('alert not delivered'))).toBe(true);
  });

  it('does not retry a 4xx the receiver will answer again', async () => {
    const slack = await receiver([], { status: 404 });
    const { alerter, audit } = harness({ receivers: [{ name: 'ops', type: 'slack', url: slack.baseUrl }] });
    await alerter.send(breached);
    expect(slack.received).toHaveLength(1);
    expect(audit).toMatchObject([{ result: 'failed', apiCalls: 1, detail: { status: 404 } }]);
  });

  it('gives up at once when Retry-After asks for longer than alerts.giveUpAfterMs', async () => {
    const slack = await receiver([], { status: 429, headers: { 'retry-after': '3600' } });
    const { alerter, audit, delays } = harness({
      giveUpAfterMs: 60_000,
      receivers: [{ name: 'ops', type: 'slack', url: slack.baseUrl }],
    });
    await alerter.send(breached);
    expect(slack.received).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(audit).toMatchObject([{ result: 'failed', detail: { reason: expect.stringContaining('giveUpAfterMs') } }]);
  });

  it('retries a receiver that does not answer at all', async () => {
    const { alerter, audit } = harness({
      maxAttempts: 2,
      receivers: [{ name: 'ops', type: 'slack', url: await refusedUrl() }],
    });
    await alerter.send(breached);
    expect(audit).toMatchObject([{ result: 'failed', apiCalls: 2, detail: { status: null, reason: 'ECONNREFUSED' } }]);
  });
});

describe('fan-out', () => {
  it('sends each kind only to the receivers that take it, and none to a disabled one', async () => {
    const [all, deadOnly, off] = await Promise.all([receiver(), receiver(), receiver()]);
    const { alerter } = harness({
      receivers: [
        { name: 'all', type: 'slack', url: all!.baseUrl },
        { name: 'dead-only', type: 'slack', url: deadOnly!.baseUrl, kinds: ['dead-letter'] },
        { name: 'off', type: 'slack', url: off!.baseUrl, enabled: false },
      ],
    });
    await alerter.send(breached);
    await alerter.send({ ...breached, kind: 'dead-letter', summary: 'Delivery d-1 was dead-lettered' });
    expect(all!.received).toHaveLength(2);
    expect(deadOnly!.received.map((r) => JSON.parse(r.body).text)).toEqual([expect.stringContaining('*Dead letter*')]);
    expect(off!.received).toHaveLength(0);
  });

  it('sends nothing when alerts are switched off', async () => {
    const slack = await receiver();
    const { alerter } = harness({ enabled: false, receivers: [{ name: 'ops', type: 'slack', url: slack.baseUrl }] });
    await alerter.send(breached);
    expect(slack.received).toHaveLength(0);
  });

  it('never throws, even when the audit cannot be written', async () => {
    const slack = await receiver();
    const lines: string[] = [];
    const alerter = createAlerter(
      configSchema.parse({ alerts: { receivers: [{ name: 'ops', type: 'slack', url: slack.baseUrl }] } }),
      {
        store: { recordAudit: async () => Promise.reject(new Error('database is locked')) },
        log: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
      },
    );
    await expect(alerter.send(breached)).resolves.toBeUndefined();
    expect(lines.some((line) => line.includes('could not record the alert'))).toBe(true);
  });
});

describe('logs', () => {
  it('never contain a receiver URL or secret, whether the alert is sent, refused or unanswered', async () => {
    const [ok, failing] = await Promise.all([receiver(), receiver([], { status: 500 })]);
    const unreachable = await refusedUrl();
    const urls = [`${ok!.baseUrl}${SLACK_PATH}`, `${failing!.baseUrl}/hook`, `${unreachable}${SLACK_PATH}`];
    const { alerter, lines } = harness({
      maxAttempts: 2,
      receivers: [
        { name: 'ok', type: 'slack', url: urls[0]! },
        { name: 'failing', type: 'json', url: urls[1]!, secret: JSON_SECRET },
        { name: 'unreachable', type: 'slack', url: urls[2]! },
      ],
    });
    await alerter.send(breached);
    const log = lines.join('');
    expect(log).toContain('alert sent');
    expect(log).toContain('alert not delivered');
    for (const secret of [...urls, SLACK_PATH, JSON_SECRET, ...urls.map((url) => new URL(url).host)])
      expect(log).not.toContain(secret);
  });

  it('redact the alerts section if a config is ever logged whole, and any secret field', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const url = `https://hooks.example.com${SLACK_PATH}`;
    const config = configSchema.parse({
      alerts: { receivers: [{ name: 'pager', type: 'json', url, secret: JSON_SECRET }] },
    });
    log.info({ config }, 'configuration');
    log.info({ receiver: { name: 'pager', secret: JSON_SECRET } }, 'receiver');
    expect(lines).toHaveLength(2);
    for (const secret of [url, SLACK_PATH, JSON_SECRET]) expect(lines.join('')).not.toContain(secret);
  });
});
