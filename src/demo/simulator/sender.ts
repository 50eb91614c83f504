import { randomUUID } from 'node:crypto';
import type { ForgeName } from '../../domain/types.js';
import { githubHeaders, gitlabHeaders } from '../signing.js';

export interface SentDelivery {
  id: string;
  forge: ForgeName;
  event: string;
  /** Sent because of a person's change, or because the service changed something. */
  origin: 'person' | 'service';
  status: number | null;
}

/** The one hook per forge the simulator posts through, with the health fields the forges report. */
export interface SimHook {
  forge: ForgeName;
  id: number;
  /** GitHub `active`; false: nothing is sent. */
  active: boolean;
  /** GitLab `alert_status`; anything but `executable`: nothing is sent. */
  alertStatus: 'executable' | 'temporarily_disabled' | 'disabled';
  disabledUntil: string | null;
  /** GitHub `last_response.code` of the last attempt (null before any, or when the service could not be reached). */
  lastResponseCode: number | null;
}

/** One attempt as the forge's delivery log records it. */
export interface SimLogEntry {
  logId: number;
  forge: ForgeName;
  /** X-GitHub-Delivery / X-Gitlab-Event-UUID of this attempt. */
  deliveryId: string;
  /** GitLab's Idempotency-Key, the same for every attempt of one delivery. */
  idempotencyKey: string;
  event: string;
  action: string | null;
  at: string;
  status: number | null;
  redelivery: boolean;
  /** The chain, so a redelivery waits behind the earlier deliveries. */
  key: string;
  body: string;
}

export interface SenderOptions {
  secrets: Record<ForgeName, string>;
  /** Redeliveries of a delivery the service did not acknowledge (a down service, a 503), spaced `redeliverMs`. */
  redeliveries?: number;
  redeliverMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function newHook(forge: ForgeName): SimHook {
  return { forge, id: 1, active: true, alertStatus: 'executable', disabledUntil: null, lastResponseCode: null };
}

/** What one attempt sends: the body and the ids the forge puts in its headers. */
interface Attempt {
  record: SentDelivery;
  body: string;
  key: string;
  idempotencyKey: string;
  action: string | null;
  redelivery: boolean;
}

/**
 * Sends the simulator's webhooks to the service, signed as each forge signs them. One issue's
 * deliveries leave in order (a chain per issue). By default a delivery is attempted once: GitHub
 * never retries a failed delivery. Every attempt is kept in the hook's delivery log, from which
 * `redeliver` sends one again; a disabled hook sends nothing.
 */
export class WebhookSender {
  target: string | null = null;
  readonly sent: SentDelivery[] = [];
  readonly hooks: Record<ForgeName, SimHook> = { gitlab: newHook('gitlab'), github: newHook('github') };
  readonly log: SimLogEntry[] = [];
  private nextLogId = 1;
  private readonly chains = new Map<string, Promise<void>>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: SenderOptions) {}

  get inFlight(): number {
    return this.pending;
  }

  /** Queue a delivery behind the earlier ones. */
  send(forge: ForgeName, event: string, key: string, payload: unknown, origin: SentDelivery['origin']): void {
    const body = JSON.stringify(payload);
    const record: SentDelivery = { id: randomUUID(), forge, event, origin, status: null };
    this.sent.push(record);
    const action =
      typeof (payload as { action?: unknown }).action === 'string' ? (payload as { action: string }).action : null;
    // GitLab's first attempt carries the same value as its event UUID and Idempotency-Key, so the
    // delivery is `record.id` however the service keys it; a resend keeps only the key.
    this.queue(
      key,
      { record, body, key, idempotencyKey: record.id, action, redelivery: false },
      1 + (this.options.redeliveries ?? 0),
    );
  }

  /**
   * Send a logged delivery again (the forges' redeliver / resend): GitHub keeps the delivery id,
   * GitLab keeps the Idempotency-Key and gives the attempt a new X-Gitlab-Event-UUID.
   */
  redeliver(forge: ForgeName, logId: number): boolean {
    const entry = this.log.find((candidate) => candidate.forge === forge && candidate.logId === logId);
    if (!entry) return false;
    const id = forge === 'github' ? entry.deliveryId : randomUUID();
    const record: SentDelivery = { id, forge, event: entry.event, origin: 'person', status: null };
    this.queue(
      entry.key,
      {
        record,
        body: entry.body,
        key: entry.key,
        idempotencyKey: entry.idempotencyKey,
        action: entry.action,
        redelivery: true,
      },
      1,
    );
    return true;
  }

  /** Resolves once every queued delivery has been answered (or given up on). */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private queue(key: string, attempt: Attempt, attempts: number): void {
    this.pending += 1;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.deliver(attempt, attempts))
      .finally(() => {
        this.pending -= 1;
        if (this.chains.get(key) === next) this.chains.delete(key);
        if (this.pending === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    this.chains.set(key, next);
  }

  private headers(attempt: Attempt): Record<string, string> {
    const { record, body } = attempt;
    const secret = this.options.secrets[record.forge];
    return record.forge === 'github'
      ? githubHeaders(record.event, body, record.id, secret)
      : { ...gitlabHeaders(record.id, record.event, secret), 'idempotency-key': attempt.idempotencyKey };
  }

  private sends(forge: ForgeName): boolean {
    const hook = this.hooks[forge];
    return forge === 'github' ? hook.active : hook.alertStatus === 'executable';
  }

  private async post(attempt: Attempt): Promise<number | null> {
    if (!this.target) return null;
    try {
      const response = await fetch(`${this.target}/webhooks/${attempt.record.forge}`, {
        method: 'POST',
        headers: this.headers(attempt),
        body: attempt.body,
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return null;
    }
  }

  private async deliver(attempt: Attempt, attempts: number): Promise<void> {
    const { record } = attempt;
    for (let n = 1; n <= attempts; n += 1) {
      // A disabled hook sends nothing and logs nothing.
      if (!this.sends(record.forge)) return;
      const status = await this.post(attempt);
      record.status = status;
      this.hooks[record.forge].lastResponseCode = status;
      this.log.push({
        logId: this.nextLogId++,
        forge: record.forge,
        deliveryId: record.id,
        idempotencyKey: attempt.idempotencyKey,
        event: record.event,
        action: attempt.action,
        at: new Date().toISOString(),
        status,
        redelivery: attempt.redelivery || n > 1,
        key: attempt.key,
        body: attempt.body,
      });
      if (status !== null && status < 500) return;
      if (n < attempts) await sleep(this.options.redeliverMs ?? 200);
    }
  }
}
