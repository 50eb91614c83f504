import type { ForgeName } from '../../../src/domain/types.js';
import type { ForgeClient, LabelHistoryEntry } from '../../../src/forges/forge.js';

type Row = [iid: number, action: LabelHistoryEntry['action'], label: string, at: string];

export function history(forge: ForgeName, project: string, rows: Row[]): LabelHistoryEntry[] {
  return rows.map(([iid, action, label, at]) => ({ ref: { forge, project, iid }, action, label, at, actor: 'ie' }));
}

/** A ForgeClient that serves a fixed label history; it can fail after a number of entries, like a dropped connection. */
export function fakeForge(forge: ForgeName, entries: LabelHistoryEntry[], failAfterEntries = Infinity) {
  const served = { entries: 0 };
  const client: Pick<ForgeClient, 'forge' | 'listLabelHistory'> = {
    forge,
    async *listLabelHistory(_project: string, since?: string) {
      for (const entry of entries) {
        if (since !== undefined && entry.at < since) continue;
        if (served.entries >= failAfterEntries) throw new Error('socket hang up');
        served.entries++;
        yield entry;
      }
    },
  };
  return { client, served };
}
