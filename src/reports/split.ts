import type { ForgeName } from '../domain/types.js';

/**
 * The longest issue body or comment each forge takes, in characters: GitHub's is 65,536 (its
 * issues and comments API), GitLab's 1,000,000 (issue descriptions and notes).
 */
export const BODY_LIMIT: Record<ForgeName, number> = { github: 65_536, gitlab: 1_000_000 };

/** A section boundary is only worth preferring over a line boundary if it keeps parts at least this full. */
const SECTION_FILL = 0.5;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where to end a part of at most `limit` characters starting at `from`: before a heading, else after a line, else at the limit. */
function cutPoint(text: string, from: number, limit: number): number {
  const hardEnd = from + limit;
  const window = text.slice(from, hardEnd + 1);
  const heading = window.lastIndexOf('\n#', limit - 1);
  if (heading >= limit * SECTION_FILL) return from + heading + 1;
  const line = window.lastIndexOf('\n', limit - 1);
  if (line >= 0) return from + line + 1;
  // One line longer than the limit: cut inside it, never between the halves of a surrogate pair.
  return isHighSurrogate(text.charCodeAt(hardEnd - 1)) && limit > 1 ? hardEnd - 1 : hardEnd;
}

/**
 * Splits a body into parts that each fit the forge: the first at most `firstLimit` characters (the
 * issue body), the rest at most `restLimit` (continuation comments, which carry a marker besides).
 * Cuts fall before a heading or after a line where possible; nothing is dropped: the parts joined
 * are the text.
 */
export function splitBody(text: string, firstLimit: number, restLimit = firstLimit): string[] {
  if (firstLimit < 1 || restLimit < 1) throw new RangeError('a part must be allowed at least one character');
  const parts: string[] = [];
  for (let from = 0; from < text.length || parts.length === 0; ) {
    const limit = parts.length === 0 ? firstLimit : restLimit;
    const end = text.length - from <= limit ? text.length : cutPoint(text, from, limit);
    parts.push(text.slice(from, end));
    from = end;
  }
  return parts;
}
