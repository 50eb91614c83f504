import type { ForgeName, IssueRef } from '../../domain/types.js';
import type { ForgeFiling } from '../../forges/forge.js';
import { BODY_LIMIT, splitBody } from '../split.js';

/** Where a digest is filed, and how. */
export interface ForgeTarget {
  mode: 'new-issue' | 'pinned';
  forge: ForgeName;
  project: string;
  labels: readonly string[];
}

/** The issue a digest went into, as remembered in the store (so a re-run never files a second one). */
export interface FiledDigest {
  ref: IssueRef;
  webUrl: string;
  /** How many parts (body + continuation comments) it has now. */
  parts: number;
}

/** The marker of continuation comment `n` (2, 3, …): found again and replaced, never duplicated. */
export const continuationMarker = (n: number): string => `<!-- boardkeeper:digest-part ${n} -->`;
/** Room for the marker and the "part n of m" line above each continuation. */
const CONTINUATION_OVERHEAD = 200;

function continuation(n: number, total: number, key: string, part: string): string {
  return `${continuationMarker(n)}\n_Digest ${key}, part ${n} of ${total}._\n\n${part}`;
}

/** The body and continuation comments of a digest on a forge: every part within the forge's limit, nothing cut off. */
export function digestParts(forge: ForgeName, markdown: string): string[] {
  const { max, unit } = BODY_LIMIT[forge];
  return splitBody(markdown, max, max - CONTINUATION_OVERHEAD, unit);
}

export interface FilingPlan {
  target: ForgeTarget;
  title: string;
  key: string;
  parts: string[];
}

/** One forge call a filing made or would make, for the audit and `report --dry-run`. */
export interface FilingStep {
  action: 'create-issue' | 'set-issue-body' | 'comment';
  ref: IssueRef | null;
  detail: Record<string, unknown>;
  apiCalls: number;
}

/** What filing remembers between steps: the issue once it exists (a crash after creating it must not create another). */
export interface FilingMemory {
  load(): Promise<FiledDigest | null>;
  save(filed: FiledDigest): Promise<void>;
}

const cleared = (n: number) => `${continuationMarker(n)}\n_This digest has no part ${n}._`;

/**
 * Files a digest: a new issue (or, `pinned`, the remembered issue's body replaced), then one marked
 * comment per further part; a pinned issue's surplus parts from a longer earlier digest are
 * emptied. Each step is safe to repeat after a crash.
 */
export async function fileDigest(
  client: ForgeFiling,
  plan: FilingPlan,
  memory: FilingMemory,
  onStep: (step: FilingStep) => void,
): Promise<FiledDigest> {
  const [body, ...rest] = plan.parts;
  const { target } = plan;
  const previous = await memory.load();
  const reuse =
    previous && previous.ref.forge === target.forge && previous.ref.project === target.project ? previous : null;
  let filed: FiledDigest;
  if (reuse && target.mode === 'pinned') {
    const { apiCalls } = await client.setIssueBody(reuse.ref, body!);
    onStep({
      action: 'set-issue-body',
      ref: reuse.ref,
      detail: { title: plan.title, characters: body!.length },
      apiCalls,
    });
    filed = reuse;
  } else if (reuse) {
    filed = reuse;
  } else {
    const created = await client.createIssue(target.project, { title: plan.title, body: body!, labels: target.labels });
    filed = { ref: created.ref, webUrl: created.webUrl, parts: 1 };
    await memory.save(filed);
    onStep({
      action: 'create-issue',
      ref: created.ref,
      detail: { title: plan.title, characters: body!.length, webUrl: created.webUrl },
      apiCalls: created.apiCalls,
    });
  }
  const fresh = !reuse;
  const comments = [...rest.map((part, i) => continuation(i + 2, plan.parts.length, plan.key, part))];
  for (let n = plan.parts.length + 1; n <= (reuse?.parts ?? 0); n++) comments.push(cleared(n));
  for (const [i, comment] of comments.entries()) {
    const n = i + 2;
    const { apiCalls } = await client.upsertComment(filed.ref, continuationMarker(n), comment, {
      botCommentAbsent: fresh,
    });
    onStep({ action: 'comment', ref: filed.ref, detail: { part: n, characters: comment.length }, apiCalls });
  }
  const done = { ...filed, parts: Math.max(plan.parts.length, target.mode === 'pinned' ? (reuse?.parts ?? 0) : 0) };
  await memory.save(done);
  return done;
}

/** The calls `fileDigest` would make, without a client (dry-run: the forge has no credentials, or `report --dry-run`). */
export function plannedSteps(plan: FilingPlan, previous: FiledDigest | null): FilingStep[] {
  const reuse =
    previous && previous.ref.forge === plan.target.forge && previous.ref.project === plan.target.project
      ? previous
      : null;
  const first: FilingStep =
    reuse && plan.target.mode === 'pinned'
      ? {
          action: 'set-issue-body',
          ref: reuse.ref,
          detail: { title: plan.title, characters: plan.parts[0]!.length },
          apiCalls: 0,
        }
      : {
          action: 'create-issue',
          ref: null,
          detail: { title: plan.title, characters: plan.parts[0]!.length },
          apiCalls: 0,
        };
  const comments = plan.parts.slice(1).map(
    (part, i): FilingStep => ({
      action: 'comment',
      ref: reuse?.ref ?? null,
      detail: { part: i + 2, characters: part.length },
      apiCalls: 0,
    }),
  );
  return reuse && plan.target.mode !== 'pinned' ? comments : [first, ...comments];
}
