import { randomUUID } from 'node:crypto';
import type { AlertReceiverConfig, Config } from '../config/schema.js';
import type { AuditEntry } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { noAlerts, type Alert, type Alerter } from './alert.js';
import { alertLinks, jsonBody, slackBody } from './messages.js';
import { postWithRetry, type PostDeps, type PostResult } from './post.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureOf, TIMESTAMP_HEADER } from './signature.js';

export interface AlerterDeps extends Partial<Omit<PostDeps, 'now'>> {
  store: Pick<Store, 'recordAudit'>;
  log: Logger;
  now?: () => Date;
}

const USER_AGENT = 'boardkeeper-alerts';

function requestFor(receiver: AlertReceiverConfig, alert: Alert, publicUrl: string | undefined, sentAt: Date) {
  const links = alertLinks(alert, publicUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
  if (receiver.type === 'slack') return { headers, body: JSON.stringify(slackBody(alert, links)) };
  // One id for every attempt, so a receiver that saw an attempt time out can drop the retry.
  const id = randomUUID();
  const body = JSON.stringify(jsonBody(alert, links, { id, sentAt: sentAt.toISOString() }));
  headers[DELIVERY_HEADER] = id;
  headers[TIMESTAMP_HEADER] = String(Math.floor(sentAt.getTime() / 1000));
  headers[EVENT_HEADER] = alert.kind;
  headers[SIGNATURE_HEADER] = signatureOf(receiver.secret!, body);
  return { headers, body };
}

function auditEntry(receiver: AlertReceiverConfig, alert: Alert, result: PostResult, at: Date): AuditEntry | null {
  // The audit is kept per issue; an alert about the service itself is only logged.
  if (!alert.issue) return null;
  const { forge, project, iid } = alert.issue;
  return {
    at: at.toISOString(),
    deliveryId: null,
    forge,
    project,
    iid,
    action: 'alert',
    detail: {
      receiver: receiver.name,
      type: receiver.type,
      kind: alert.kind,
      summary: alert.summary,
      status: result.status,
      reason: result.reason,
    },
    result: result.ok ? 'applied' : 'failed',
    apiCalls: result.attempts,
    latencyMs: result.elapsedMs,
  };
}

/**
 * Sends each alert to every enabled receiver that takes its kind, in parallel, each with its own
 * retries; records each outcome in the audit. URLs and secrets never reach the log.
 */
export function createAlerter(config: Pick<Config, 'alerts'>, deps: AlerterDeps): Alerter {
  const { alerts } = config;
  const receivers = alerts.enabled ? alerts.receivers.filter((receiver) => receiver.enabled) : [];
  if (receivers.length === 0) return noAlerts;
  const log = deps.log.child({ component: 'alerts' });
  const now = deps.now ?? (() => new Date());
  const post: PostDeps = {
    fetch: deps.fetch ?? fetch,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref())),
    random: deps.random ?? Math.random,
    now: () => now().getTime(),
  };

  async function deliver(receiver: AlertReceiverConfig, alert: Alert): Promise<void> {
    const facts = { receiver: receiver.name, kind: alert.kind };
    try {
      const result = await postWithRetry(
        receiver.url,
        requestFor(receiver, alert, alerts.publicUrl, now()),
        alerts,
        post,
      );
      if (result.ok) log.info({ ...facts, attempts: result.attempts }, 'alert sent');
      else
        log.warn(
          { ...facts, attempts: result.attempts, status: result.status, reason: result.reason },
          'alert not delivered; giving up',
        );
      const entry = auditEntry(receiver, alert, result, now());
      if (entry) await deps.store.recordAudit([entry]);
    } catch (error) {
      log.error(
        { ...facts, reason: error instanceof Error ? error.message : String(error) },
        'could not record the alert',
      );
    }
  }

  return {
    async send(alert) {
      await Promise.all(
        receivers.filter((receiver) => receiver.kinds.includes(alert.kind)).map((receiver) => deliver(receiver, alert)),
      );
    },
  };
}
