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

export interface SenderOptions {
  secrets: Record<ForgeName, string>;
  /** Redeliveries of a delivery the service did not acknowledge (a down service, a 503), spaced `redeliverMs`. */
  redeliveries?: number;
  redeliverMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends the simulator's webhooks to the service, signed as each forge signs them. One issue's
 * deliveries leave in order (a chain per issue); a delivery the service does not acknowledge is
 * redelivered with the same id, as a person would from the forge's "recent deliveries" page.
 */
export class WebhookSender {
  target: string | null = null;
  readonly sent: SentDelivery[] = [];
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
    this.pending += 1;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(record, body)).finally(() => {
      this.pending -= 1;
      if (this.chains.get(key) === next) this.chains.delete(key);
      if (this.pending === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
    this.chains.set(key, next);
  }

  /** Resolves once every queued delivery has been answered (or given up on). */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private headers(record: SentDelivery, body: string): Record<string, string> {
    const secret = this.options.secrets[record.forge];
    return record.forge === 'github' ? githubHeaders(record.event, body, record.id, secret) : gitlabHeaders(record.id, record.event, secret);
  }

  private async deliver(record: SentDelivery, body: string): Promise<void> {
    const attempts = 1 + (this.options.redeliveries ?? 0);
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (this.target) {
        try {
          const response = await fetch(`${this.target}/webhooks/${record.forge}`, { method: 'POST', headers: this.headers(record, body), body });
          await response.arrayBuffer();
          record.status = response.status;
          if (response.status < 500) return;
        } catch {
          record.status = null;
        }
      }
      if (attempt < attempts) await sleep(this.options.redeliverMs ?? 200);
    }
  }
}
