import type { Alert, Alerter } from '../../../src/alerts/alert.js';
import { issueKey, type IssueRef } from '../../../src/domain/types.js';
import type { ForgeClient } from '../../../src/forges/forge.js';

/** A forge that keeps labels and marked comments per issue and counts every call, as the sweep sees it. */
export function recordingForge(forge: 'gitlab' | 'github' = 'gitlab') {
  const labels = new Map<string, Set<string>>();
  const comments = new Map<string, Map<string, string>>();
  const calls: string[] = [];
  const client: ForgeClient = {
    forge,
    async getIssue() {
      throw new Error('the sweep reads the store, not the forge');
    },
    async applyLabels(ref: IssueRef, add: string[], remove: string[]) {
      calls.push(`labels ${issueKey(ref)} +${add.join(',')} -${remove.join(',')}`);
      const now = labels.get(issueKey(ref)) ?? new Set();
      for (const label of remove) now.delete(label);
      for (const label of add) now.add(label);
      labels.set(issueKey(ref), now);
      return { apiCalls: 1 };
    },
    async upsertComment(ref: IssueRef, marker: string, body: string) {
      calls.push(`comment ${issueKey(ref)} ${marker}`);
      const byMarker = comments.get(issueKey(ref)) ?? new Map<string, string>();
      byMarker.set(marker, body);
      comments.set(issueKey(ref), byMarker);
      return { apiCalls: 1 };
    },
    setBoardStatus: async () => ({ apiCalls: 0 }),
    setIssueState: async () => {
      throw new Error('policies never close or reopen');
    },
    boardStatus: async () => null,
    async *listLabelHistory() {},
  };
  return { client, labels, comments, calls };
}

export function recordingAlerter(): Alerter & { sent: Alert[] } {
  const sent: Alert[] = [];
  return { sent, send: async (alert) => void sent.push(alert) };
}
