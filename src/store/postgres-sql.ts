import type { AuditEntry, IssueState, Transition } from '../domain/types.js';
import { issueKey } from '../domain/types.js';

/** Numbered parameters of one statement, and AND-ed conditions over them that skip unset filters. */
export class Params {
  readonly values: unknown[] = [];
  private readonly conditions: string[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  where(column: string, value: unknown, operator: '=' | '>=' | '<' = '='): void {
    if (value !== undefined) this.conditions.push(`${column} ${operator} ${this.add(value)}`);
  }

  whereClause(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/**
 * The writes of an outcome as INSERT … SELECT statements, so that `complete` can run them in the
 * same statement as the claim check, each guarded by `guard` (e.g. "the claim was still held").
 */
export function issueStateUpsert(params: Params, state: IssueState, guard = ''): string {
  const { ref } = state;
  return `INSERT INTO issue_state (key, forge, project, iid, node_id, state, updated_at)
    SELECT ${params.add(issueKey(ref))}::text, ${params.add(ref.forge)}::text, ${params.add(ref.project)}::text,
      ${params.add(ref.iid)}::int, ${params.add(ref.nodeId ?? null)}::text, ${params.add(JSON.stringify(state))}::jsonb,
      ${params.add(state.updatedAt)}::text FROM ${CHANGE_LOCK} ${guard}
    ON CONFLICT (key) DO UPDATE SET node_id = coalesce(excluded.node_id, issue_state.node_id),
      state = excluded.state, updated_at = excluded.updated_at, seq = nextval('change_seq')`;
}

/**
 * Taken before a transition or issue state draws its sequence number and held until commit, so
 * sequence order is commit order: a reader that has seen seq n committed never later finds a
 * smaller one (Store.changesSince). One lock per schema.
 */
const CHANGE_LOCK = `(SELECT pg_advisory_xact_lock(hashtextextended('boardkeeper.changes:' || current_setting('search_path'), 0))) AS change_lock`;

/** Arrays bound as one parameter each and zipped by unnest: one statement for any number of rows. */
function columns<T>(params: Params, rows: T[], spec: [type: string, pick: (row: T) => unknown][]): string {
  return spec.map(([type, pick]) => `${params.add(rows.map(pick))}::${type}[]`).join(', ');
}

export function transitionsInsert(params: Params, transitions: Transition[], guard = ''): string {
  return `INSERT INTO transitions (forge, project, iid, at, to_stage, from_stage, actor, source, kind, segment)
    SELECT rows.* FROM ${CHANGE_LOCK}, unnest(${columns(params, transitions, [
      ['text', (t) => t.forge],
      ['text', (t) => t.project],
      ['int', (t) => t.iid],
      ['timestamptz', (t) => t.at],
      ['text', (t) => t.to],
      ['text', (t) => t.from],
      ['text', (t) => t.actor],
      ['text', (t) => t.source],
      ['text', (t) => t.kind ?? null],
      ['text', (t) => t.segment ?? null],
    ])}) AS rows ${guard}
    ON CONFLICT DO NOTHING`;
}

export function auditInsert(params: Params, entries: AuditEntry[], guard = ''): string {
  return `INSERT INTO audit (at, delivery_id, forge, project, iid, action, detail, result, api_calls, latency_ms)
    SELECT * FROM unnest(${columns(params, entries, [
      ['timestamptz', (e) => e.at],
      ['text', (e) => e.deliveryId],
      ['text', (e) => e.forge],
      ['text', (e) => e.project],
      ['int', (e) => e.iid],
      ['text', (e) => e.action],
      ['jsonb', (e) => JSON.stringify(e.detail ?? null)],
      ['text', (e) => e.result],
      ['int', (e) => e.apiCalls],
      ['int', (e) => e.latencyMs],
    ])}) ${guard}`;
}
