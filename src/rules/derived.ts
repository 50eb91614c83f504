import type { Validation } from '../templates/index.js';
import { addLabel, removeLabel, type LabelOps } from './label-ops.js';
import type { Vocabulary } from './vocabulary.js';

/** Canonical labels the fields call for: type, segment, TA review, needs-info. */
export function wantedLabels(validation: Validation, canonicalLabels: string[], vocab: Vocabulary): string[] {
  const { labels } = vocab.config;
  const has = (label: string) => canonicalLabels.includes(label);
  const wanted: string[] = [];
  const ownType = `${labels.typePrefix}${validation.template}`;
  if (!canonicalLabels.some((l) => l.startsWith(labels.typePrefix) && l !== ownType)) wanted.push(ownType);
  const segment = validation.values['segment'];
  if (Array.isArray(segment) && typeof segment[0] === 'string') wanted.push(`${labels.segmentPrefix}${segment[0]}`);
  if (validation.taReviewNeeded && !has(labels.taApproved)) wanted.push(labels.taReview);
  if (validation.errors.length > 0) wanted.push(labels.needsInfo);
  return wanted;
}

/**
 * Add what the fields newly call for and remove what the rules added and the fields no longer call
 * for. A wanted label that is missing although it was wanted last time was removed by a person:
 * it stays removed.
 */
export function planDerived(
  wanted: string[],
  lastWanted: string[],
  labels: string[],
  vocab: Vocabulary,
  ops: LabelOps,
): void {
  const canonicalPresent = new Set(labels.map(vocab.canonical));
  for (const label of wanted)
    if (!lastWanted.includes(label) && !canonicalPresent.has(label))
      addLabel(ops, vocab.written(label), 'from the template fields');
  for (const label of lastWanted) {
    if (wanted.includes(label)) continue;
    for (const present of labels)
      if (vocab.canonical(present) === label) removeLabel(ops, present, 'no longer called for by the fields');
  }
}
