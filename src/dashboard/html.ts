/** Markup that is already safe to emit: only `html` makes one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

export type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

function emit(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(emit).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup: every interpolated value is escaped unless it is itself `SafeHtml`,
 * so a title or label from a forge can never become markup. Arrays are concatenated; `null`,
 * `undefined` and `false` render nothing (handy for conditional fragments).
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += emit(value) + strings[index + 1]!;
  });
  return new SafeHtml(out);
}
