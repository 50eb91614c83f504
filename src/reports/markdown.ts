import type { IssueId } from '../metrics/contract.js';

const DAY_SECONDS = 86_400;

/** A cell of a Markdown table: one line, no column break, no HTML. */
export function cell(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Link text: like a cell, and brackets do not end it. */
const linkText = (text: string) => cell(text).replace(/\[/g, '\\[').replace(/\]/g, '\\]');

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

export function issueLink(id: IssueId, title: string | null, url: string | null): string {
  const name = `${id.project}#${id.iid}`;
  const text = title ? `${name} ${title}` : name;
  return url ? `[${linkText(text)}](${url})` : cell(text);
}

/** Seconds as days with one decimal and the unit: `24.5 d`; an em dash without a value. */
export function days(seconds: number | null): string {
  return seconds === null ? '—' : `${(seconds / DAY_SECONDS).toFixed(1)} d`;
}

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)} %`;
}

/** Logins as plain names: a digest must not mention (notify) everyone on the team every week. */
export function owners(assignees: readonly string[]): string {
  return assignees.length === 0 ? '—' : cell(assignees.join(', '));
}

/** `+3.1 d` / `−2.0 d` / `±0.0 d` between two values in seconds; empty when either is missing. */
export function change(now: number | null, before: number | null, format: (value: number) => string): string {
  if (now === null || before === null) return '';
  const delta = now - before;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  return ` (${sign}${format(Math.abs(delta))})`;
}
