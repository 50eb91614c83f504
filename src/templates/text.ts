/** Small text helpers shared by parsing, validation and the rules. */

/** Issue bodies are capped by the forges (GitHub 65,536 chars); a larger input is cut to bound the work. */
export const MAX_BODY_CHARS = 262_144;

/**
 * Case-, accent- and punctuation-insensitive key: `Kubernetes (Helm)` → `kubernetes-helm`,
 * `Zürich  AG` → `zurich-ag`. Used wherever people may spell a name their own way.
 */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** CRLF / CR → LF, and a cap on length. Accepts anything: a non-string body is an empty body. */
export function normaliseNewlines(body: unknown): string {
  if (typeof body !== 'string') return '';
  return body.slice(0, MAX_BODY_CHARS).replace(/\r\n?/g, '\n');
}

/** Remove HTML comments; an unclosed `<!--` hides the rest, as the forges' markdown renderers do. */
export function stripHtmlComments(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('<!--', from);
    if (open < 0) return out + text.slice(from);
    out += text.slice(from, open);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    from = close + 3;
  }
}
