import { normaliseNewlines, slug, stripHtmlComments } from './text.js';

export interface ChecklistItem {
  text: string;
  checked: boolean;
}

/** The answer under one heading (or one `Key: value` line), cleaned of comments and `_No response_`. */
export interface RawAnswer {
  text: string;
  items: ChecklistItem[];
}

export interface HeadedBlock {
  /** `slug` of the heading text without `(required)`, `*`, `:` and emphasis. */
  key: string;
  level: number;
  /** The heading line itself, kept when a deeper heading is part of an answer. */
  heading: string;
  lines: string[];
}

export interface ParsedBody {
  /** Template id named by the hidden marker `<!-- template: … -->`, slugged; null when absent. */
  marker: string | null;
  blocks: HeadedBlock[];
  /** `Key: value` lines outside code blocks, keyed like headings: a fallback for free-form bodies. */
  inline: Map<string, string>;
}

const MARKER = /<!--\s*template\s*:\s*([\w ./-]{1,60}?)\s*-->/i;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^ {0,3}(```|~~~)/;
const CHECKLIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\]\s*(.*)$/;
/** GitLab executes and strips these when the issue is created; left over (e.g. copied bodies) they are noise. */
const QUICK_ACTION = /^\/(?:label|relabel|unlabel|assign|cc|milestone|due|weight|confidential)\b/;
const NO_RESPONSE = /^_?no response_?$/i;

/** Heading or key text → comparison key: `**Customer Name** (required):` → `customer-name`. */
export function headingKey(text: string): string {
  return slug(text.replace(/[*_`]/g, ' ').replace(/\((?:required|optional)\)/gi, ' '));
}

/** Split a body into heading blocks. Never throws; any input yields a (possibly empty) result. */
export function parseBody(body: unknown): ParsedBody {
  const raw = normaliseNewlines(body);
  const marker = MARKER.exec(raw)?.[1];
  const lines = stripHtmlComments(raw).split('\n');
  const blocks: HeadedBlock[] = [];
  const inline = new Map<string, string>();
  let current: HeadedBlock | null = null;
  let inFence = false;
  for (const line of lines) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      current = { key: headingKey(heading[2] ?? ''), level: heading[1]?.length ?? 1, heading: line, lines: [] };
      blocks.push(current);
      continue;
    }
    if (!inFence) addInline(inline, line);
    current?.lines.push(line);
  }
  return { marker: marker ? slug(marker) : null, blocks, inline };
}

function addInline(inline: Map<string, string>, line: string): void {
  const colon = line.indexOf(':');
  if (colon < 1 || colon > 80) return;
  const key = headingKey(line.slice(0, colon).replace(/^\s*[-*+]\s+/, ''));
  const value = line
    .slice(colon + 1)
    .replace(/^[\s*_]+/, '')
    .trim();
  if (key && value && !inline.has(key)) inline.set(key, value);
}

/** Clean the lines of one answer into text and checklist items. */
export function toAnswer(lines: string[]): RawAnswer {
  const kept = lines.filter((line) => !QUICK_ACTION.test(line.trim()));
  const text = unfence(kept.join('\n').trim());
  if (NO_RESPONSE.test(text)) return { text: '', items: [] };
  const items: ChecklistItem[] = [];
  for (const line of text.split('\n')) {
    const item = CHECKLIST_ITEM.exec(line);
    if (item) items.push({ checked: item[1] !== ' ', text: (item[2] ?? '').trim() });
  }
  return { text, items };
}

/** GitHub wraps textareas declared with `render:` in a code block; the answer is what is inside. */
function unfence(text: string): string {
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  const last = lines[lines.length - 1] ?? '';
  if (lines.length >= 2 && FENCE.test(first) && FENCE.test(last)) return lines.slice(1, -1).join('\n').trim();
  return text;
}
