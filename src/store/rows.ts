import type { AuditEntry, ForgeName, IssueState, Transition } from '../domain/types.js';
import type { InboxRow, InboxStatus } from './store.js';

/** Column shapes shared by the SQL stores, and their mapping to domain objects. */

export interface InboxRecord {
  seq: number | string;
  id: string;
  forge: string;
  event: string;
  ordering_key: string;
  headers: string | Record<string, string>;
  body: string;
  received_at: string | Date;
  status: string;
  attempts: number;
  last_error: string | null;
  available_at: number | string;
}

export interface TransitionRecord {
  forge: string;
  project: string;
  iid: number;
  at: string | Date;
  to_stage: string;
  from_stage: string | null;
  actor: string;
  source: string;
  kind: string | null;
  segment: string | null;
}

export interface AuditRecord {
  at: string | Date;
  delivery_id: string | null;
  forge: string;
  project: string;
  iid: number;
  action: string;
  detail: string | unknown;
  result: string;
  api_calls: number;
  latency_ms: number;
}

const iso = (value: string | Date): string => (value instanceof Date ? value.toISOString() : value);
const json = <T>(value: string | unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

export function toInboxRow(record: InboxRecord): InboxRow {
  return {
    seq: Number(record.seq),
    id: record.id,
    forge: record.forge as ForgeName,
    event: record.event,
    orderingKey: record.ordering_key,
    headers: json<Record<string, string>>(record.headers),
    body: record.body,
    receivedAt: iso(record.received_at),
    status: record.status as InboxStatus,
    attempts: record.attempts,
    lastError: record.last_error,
    availableAt: new Date(Number(record.available_at)).toISOString(),
  };
}

export function toTransition(record: TransitionRecord): Transition {
  return {
    forge: record.forge as ForgeName,
    project: record.project,
    iid: record.iid,
    from: record.from_stage,
    to: record.to_stage,
    at: iso(record.at),
    actor: record.actor,
    source: record.source,
    kind: record.kind,
    segment: record.segment,
  };
}

export function toAuditEntry(record: AuditRecord): AuditEntry {
  return {
    at: iso(record.at),
    deliveryId: record.delivery_id,
    forge: record.forge as ForgeName,
    project: record.project,
    iid: record.iid,
    action: record.action,
    detail: json<unknown>(record.detail),
    result: record.result,
    apiCalls: record.api_calls,
    latencyMs: record.latency_ms,
  };
}

export function parseIssueState(serialized: string | unknown): IssueState {
  return json<IssueState>(serialized);
}

export const EMPTY_COUNTS: Readonly<Record<InboxStatus, number>> = { queued: 0, processing: 0, done: 0, dead: 0 };
