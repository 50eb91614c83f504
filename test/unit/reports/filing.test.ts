import { describe, expect, it } from 'vitest';
import type { IssueRef } from '../../../src/domain/types.js';
import type { ForgeFiling } from '../../../src/forges/forge.js';
import {
  continuationMarker,
  digestParts,
  fileDigest,
  plannedSteps,
  type FiledDigest,
  type FilingPlan,
} from '../../../src/reports/deliver/forge.js';

/** A forge that files in memory and records each call. */
function memoryForge() {
  const calls: string[] = [];
  const bodies = new Map<number, string>();
  const comments = new Map<string, string>();
  let next = 1;
  const client: ForgeFiling = {
    forge: 'gitlab',
    async createIssue(project, issue) {
      const iid = next++;
      bodies.set(iid, issue.body);
      calls.push(`create ${project} "${issue.title}"`);
      return {
        ref: { forge: 'gitlab', project, iid },
        webUrl: `https://gitlab.example.com/${project}/-/issues/${iid}`,
        apiCalls: 1,
      };
    },
    async setIssueBody(ref: IssueRef, body) {
      bodies.set(ref.iid, body);
      calls.push(`body #${ref.iid}`);
      return { apiCalls: 1 };
    },
    async upsertComment(ref, marker, body) {
      comments.set(`${ref.iid} ${marker}`, body);
      calls.push(`comment #${ref.iid} ${marker}`);
      return { apiCalls: 1 };
    },
  };
  return { client, calls, bodies, comments };
}

function memory(initial: FiledDigest | null = null) {
  let filed = initial;
  return { load: async () => filed, save: async (value: FiledDigest) => void (filed = value), current: () => filed };
}

const plan = (mode: 'new-issue' | 'pinned', key: string, parts: string[]): FilingPlan => ({
  target: { mode, forge: 'gitlab', project: 'ps/board', labels: [] },
  title: `Weekly digest ${key}`,
  key,
  parts,
});

describe('fileDigest', () => {
  it('files a new issue with continuation comments, and after a crash resumes on the same issue', async () => {
    const forge = memoryForge();
    const remembered = memory();
    const filed = await fileDigest(forge.client, plan('new-issue', '2026-W49', ['a', 'b', 'c']), remembered, () => {});
    expect(forge.calls).toEqual([
      'create ps/board "Weekly digest 2026-W49"',
      `comment #1 ${continuationMarker(2)}`,
      `comment #1 ${continuationMarker(3)}`,
    ]);
    expect(filed).toEqual({
      ref: { forge: 'gitlab', project: 'ps/board', iid: 1 },
      webUrl: 'https://gitlab.example.com/ps/board/-/issues/1',
      parts: 3,
    });
    // The process died after the issue was filed: the rerun creates nothing and converges the comments.
    forge.calls.length = 0;
    await fileDigest(forge.client, plan('new-issue', '2026-W49', ['a', 'b', 'c']), remembered, () => {});
    expect(forge.calls).toEqual([`comment #1 ${continuationMarker(2)}`, `comment #1 ${continuationMarker(3)}`]);
    expect(forge.comments.get(`1 ${continuationMarker(2)}`)).toBe(
      `${continuationMarker(2)}\n_Digest 2026-W49, part 2 of 3._\n\nb`,
    );
  });

  it('replaces the pinned issue’s body and empties continuation parts a shorter digest no longer has', async () => {
    const forge = memoryForge();
    const remembered = memory();
    await fileDigest(forge.client, plan('pinned', '2026-W49', ['long', 'er', 'digest']), remembered, () => {});
    forge.calls.length = 0;
    const filed = await fileDigest(forge.client, plan('pinned', '2026-W50', ['short']), remembered, () => {});
    expect(forge.calls).toEqual([
      'body #1',
      `comment #1 ${continuationMarker(2)}`,
      `comment #1 ${continuationMarker(3)}`,
    ]);
    expect(forge.bodies.get(1)).toBe('short');
    expect(forge.comments.get(`1 ${continuationMarker(3)}`)).toBe(
      `${continuationMarker(3)}\n_This digest has no part 3._`,
    );
    expect(filed.parts).toBe(3);
  });

  it('files a new pinned issue when the configured project changed', async () => {
    const forge = memoryForge();
    const remembered = memory({
      ref: { forge: 'gitlab', project: 'old/board', iid: 7 },
      webUrl: 'https://gitlab.example.com/old/board/-/issues/7',
      parts: 1,
    });
    await fileDigest(forge.client, plan('pinned', '2026-W50', ['x']), remembered, () => {});
    expect(forge.calls).toEqual(['create ps/board "Weekly digest 2026-W50"']);
    expect(remembered.current()?.ref.project).toBe('ps/board');
  });

  it('plans the same calls without a client', () => {
    const pinned: FiledDigest = { ref: { forge: 'gitlab', project: 'ps/board', iid: 4 }, webUrl: 'u', parts: 1 };
    expect(
      plannedSteps(plan('new-issue', '2026-W49', ['a', 'bb']), null).map((step) => [
        step.action,
        step.detail.characters,
      ]),
    ).toEqual([
      ['create-issue', 1],
      ['comment', 2],
    ]);
    expect(
      plannedSteps(plan('pinned', '2026-W50', ['abc']), pinned).map((step) => [step.action, step.ref?.iid]),
    ).toEqual([['set-issue-body', 4]]);
  });
});

describe('digestParts', () => {
  it.each([
    ['github', 65_536, 1],
    ['github', 65_537, 2],
    ['gitlab', 1_000_000, 1],
    ['gitlab', 1_000_001, 2],
  ] as const)('%s: a body of %i characters is %i part(s), each within the limit', (forge, length, count) => {
    const limit = forge === 'github' ? 65_536 : 1_000_000;
    const body = `${'x'.repeat(length - 2)}\ny`;
    const parts = digestParts(forge, body);
    expect(parts).toHaveLength(count);
    expect(parts.join('')).toBe(body);
    expect(parts.every((part) => part.length <= limit)).toBe(true);
  });
});
