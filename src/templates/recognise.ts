import { headingMatches } from './answers.js';
import { TEMPLATE_IDS } from './definitions.js';
import type { TemplateId } from './fields.js';
import type { ParsedBody } from './parse.js';
import { slug } from './text.js';

export type RecognisedBy = 'marker' | 'label' | 'headings';

export interface Recognition {
  template: TemplateId;
  by: RecognisedBy;
}

/** Fewer matching headings than this is a coincidence, not a template. */
const MIN_HEADINGS = 3;

function templateNamed(name: string): TemplateId | null {
  const key = slug(name);
  return TEMPLATE_IDS.find((id) => id === key) ?? null;
}

/**
 * Which template an issue came from: the hidden marker, else a `type::*` label (set by the GitHub
 * form or the GitLab quick action), else the field headings. Each survives edits the others may not.
 */
export function recognise(parsed: ParsedBody, labels: string[], typePrefix: string): Recognition | null {
  const byMarker = parsed.marker ? templateNamed(parsed.marker) : null;
  if (byMarker) return { template: byMarker, by: 'marker' };
  for (const label of labels) {
    const byLabel = label.startsWith(typePrefix) ? templateNamed(label.slice(typePrefix.length)) : null;
    if (byLabel) return { template: byLabel, by: 'label' };
  }
  const scored = TEMPLATE_IDS.map((id) => ({ id, score: headingMatches(id, parsed) })).sort(
    (a, b) => b.score - a.score,
  );
  const [best, second] = scored;
  if (!best || best.score < MIN_HEADINGS || best.score === second?.score) return null;
  return { template: best.id, by: 'headings' };
}
