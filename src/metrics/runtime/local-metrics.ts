import type { ChangeCursor, Store } from '../../store/store.js';
import { answerQuery, type MetricsAnswer, type MetricsQuery } from './answer.js';
import { IssueLedger } from '../table/ledger.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { IssueTable } from '../table/table.js';

/** A table build: its number (a new one whenever the data or the instant changed) and its instant. */
export interface Built {
  version: number;
  asOfMs: number;
}

export interface Answered {
  /** The build the answer was computed from. */
  version: number;
  answer: MetricsAnswer;
}

/** Where the table lives and reports are computed: this thread (LocalMetrics) or a worker thread (MetricsThread). */
export interface MetricsBackend {
  /** Takes in what the store recorded since the last refresh and makes the table current as of `asOfMs`. */
  refresh(asOfMs: number): Promise<Built>;
  /** Answers from the latest build; refresh first. */
  answer(query: MetricsQuery): Promise<Answered>;
  close(): Promise<void>;
}

/** Transitions per read: a first read of a large store goes in pages. */
export const CHANGES_PAGE = 50_000;

/** The metrics table of one store, kept current by reading only what changed (see IssueLedger). */
export class LocalMetrics implements MetricsBackend {
  private readonly ledger: IssueLedger;
  private cursor: ChangeCursor = { transitions: 0, states: 0 };
  /** Changes applied to the ledger that no table has yet. */
  private dirty = false;
  private current: { table: IssueTable; asOfMs: number; version: number } | null = null;
  private refreshing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, 'changesSince'>,
    private readonly settings: MetricsSettings,
  ) {
    this.ledger = new IssueLedger(settings);
  }

  refresh(asOfMs: number): Promise<Built> {
    const next = this.refreshing.catch(() => {}).then(() => this.update(asOfMs));
    this.refreshing = next;
    return next;
  }

  async answer(query: MetricsQuery): Promise<Answered> {
    const current = this.current;
    if (!current) throw new Error('metrics: no table built yet');
    return { version: current.version, answer: answerQuery(current.table, current.asOfMs, query, this.settings) };
  }

  async close(): Promise<void> {}

  private async update(asOfMs: number): Promise<Built> {
    for (let more = true; more; ) {
      const changes = await this.store.changesSince(this.cursor, CHANGES_PAGE);
      this.ledger.apply(changes);
      this.cursor = changes.cursor;
      this.dirty ||= changes.transitions.length + changes.states.length > 0;
      more = changes.transitions.length === CHANGES_PAGE || changes.states.length === CHANGES_PAGE;
    }
    if (this.dirty || !this.current || this.current.asOfMs !== asOfMs) {
      this.current = { table: this.ledger.table(asOfMs), asOfMs, version: (this.current?.version ?? 0) + 1 };
      this.dirty = false;
    }
    return { version: this.current.version, asOfMs };
  }
}
