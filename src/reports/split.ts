import type { ForgeName } from '../domain/types.js';

/** How a forge counts a body's length: UTF-16 code units (JavaScript's `length`) or UTF-8 bytes. */
export type BodyUnit = 'characters' | 'utf8-bytes';

export interface BodyLimit {
  max: number;
  unit: BodyUnit;
}

/**
 * The longest issue body or comment each forge takes. GitHub: 65,536 characters (its issues and
 * comments API answers "body is too long (maximum is 65536 characters)"; counted here in UTF-16
 * code units, never fewer than GitHub's characters). GitLab: notes 1,000,000 characters and
 * descriptions 1 MB (1,048,576 bytes) — 1,000,000 UTF-8 bytes keeps within both.
 */
export const BODY_LIMIT: Record<ForgeName, BodyLimit> = {
  github: { max: 65_536, unit: 'characters' },
  gitlab: { max: 1_000_000, unit: 'utf8-bytes' },
};

/** A section boundary is only worth preferring over a line boundary if it keeps parts at least this full. */
const SECTION_FILL = 0.5;

const utf8Bytes = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/** The furthest end of a part from `from` within `max` units; never inside a surrogate pair, always past one code point. */
function furthestEnd(text: string, from: number, max: number, unit: BodyUnit): number {
  let end = from;
  let used = 0;
  while (end < text.length) {
    const codePoint = text.codePointAt(end)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const cost = unit === 'characters' ? width : utf8Bytes(codePoint);
    if (used + cost > max && end > from) break;
    used += cost;
    end += width;
    if (used >= max) break;
  }
  return end;
}

/** Where to end a part starting at `from` that may reach `hardEnd`: before a heading, else after a line, else at `hardEnd`. */
function cutPoint(text: string, from: number, hardEnd: number): number {
  if (hardEnd >= text.length) return text.length;
  const span = hardEnd - from;
  const window = text.slice(from, hardEnd + 1);
  const heading = window.lastIndexOf('\n#', span - 1);
  if (heading >= span * SECTION_FILL) return from + heading + 1;
  const line = window.lastIndexOf('\n', span - 1);
  return line >= 0 ? from + line + 1 : hardEnd;
}

/**
 * Splits a body into parts that each fit the forge: the first at most `firstMax` units (the issue
 * body), the rest at most `restMax` (continuation comments, which carry a marker besides). Cuts
 * fall before a heading or after a line where possible; nothing is dropped: the parts joined are
 * the text.
 */
export function splitBody(text: string, firstMax: number, restMax = firstMax, unit: BodyUnit = 'characters'): string[] {
  if (firstMax < 1 || restMax < 1) throw new RangeError('a part must be allowed at least one unit');
  const parts: string[] = [];
  for (let from = 0; from < text.length || parts.length === 0; ) {
    const end = cutPoint(text, from, furthestEnd(text, from, parts.length === 0 ? firstMax : restMax, unit));
    parts.push(text.slice(from, end));
    from = end;
  }
  return parts;
}

/** A part's length as its forge counts it. */
export function bodyLength(text: string, unit: BodyUnit): number {
  return unit === 'characters' ? text.length : Buffer.byteLength(text, 'utf8');
}
