import { z } from 'zod';
import { YES_NO_OPTIONS } from './definitions.js';
import type { ChoiceOption, FieldDefinition } from './fields.js';
import type { ChecklistItem, RawAnswer } from './parse.js';
import { slug } from './text.js';

export type FieldValue = string | string[] | number | boolean | ChecklistItem[];

export interface FieldContext {
  /** Issue author's login: the default requester. */
  author?: string;
  /** CRM hosts allowed in the opportunity URL; empty allows any host. */
  crmHosts: string[];
}

const HANDLE = /^@[\p{L}\p{N}_][\p{L}\p{N}._-]{0,254}$/u;
const QUARTER = /^FY\d{2}-?Q[1-4]$/i;
const NONE = new Set(['none', 'n-a', 'na', '-']);

const handle = z.string().regex(HANDLE, { error: 'must be a @handle' });
const isoDate = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

/** `[text](url)` and `<url>` are how people paste links in markdown; the URL is what counts. */
function bareUrl(text: string): string {
  const link = /\]\(\s*(\S+?)\s*\)/.exec(text) ?? /^<(\S+)>$/.exec(text);
  return (link?.[1] ?? text).trim();
}

function urlSchema(field: Extract<FieldDefinition, { type: 'url' }>, context: FieldContext) {
  return z
    .string()
    .transform(bareUrl)
    .pipe(z.url({ error: 'must be a link (https://…)' }))
    .superRefine((url, ctx) => {
      // zod runs refinements after a failed pipe too; that case is already reported.
      if (!URL.canParse(url)) return;
      const { protocol, hostname } = new URL(url);
      if (field.https && protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must start with https://' });
      const hosts = field.crmHosts ? context.crmHosts : [];
      if (hosts.length > 0 && !hosts.some((h) => hostname === h || hostname.endsWith(`.${h}`)))
        ctx.addIssue({ code: 'custom', message: `must point to ${hosts.join(' or ')}` });
    });
}

/** `$75,000`, `75 000 USD`, `75k`, `1.2m` → a number of dollars. */
function moneyText(text: string): string {
  return text.replace(/usd|us\$|\$|,|_|\s/gi, '').toLowerCase();
}

function moneySchema(min: number) {
  return z
    .string()
    .transform(moneyText)
    .pipe(z.string().regex(/^\d+(?:\.\d+)?[km]?$/, { error: 'must be an amount in US dollars, e.g. 60000' }))
    .transform((t) => Number.parseFloat(t) * (t.endsWith('m') ? 1_000_000 : t.endsWith('k') ? 1_000 : 1))
    .pipe(z.number().min(min, { error: `must be at least ${min}` }));
}

function integerSchema(min: number) {
  return z
    .string()
    .transform((t) => t.replace(/[,_\s]/g, ''))
    .pipe(z.string().regex(/^\d{1,15}$/, { error: 'must be a whole number' }))
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be at least ${min}` }),
    );
}

function numberSchema(min: number) {
  return z
    .string()
    .transform((t) => t.replace(/[,_\s]/g, ''))
    .pipe(z.string().regex(/^\d{1,12}(?:\.\d+)?$/, { error: 'must be a number, e.g. 120 or 37.5' }))
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }));
}

export function optionFor(options: ChoiceOption[], answer: string): ChoiceOption | undefined {
  const key = slug(answer);
  return options.find((o) => [o.value, o.label, ...(o.aliases ?? [])].some((name) => slug(name) === key));
}

/**
 * The options a user picked: checked boxes (GitLab template), else the text split on commas,
 * semicolons and lines (GitHub renders a multi-select dropdown as `A, B`). `None` picks nothing.
 */
export function pickedOptions(answer: RawAnswer): string[] {
  const picked =
    answer.items.length > 0 ? answer.items.filter((i) => i.checked).map((i) => i.text) : answer.text.split(/[,;\n]/);
  return picked.map((p) => p.replace(/^\s*[-*+]\s+/, '').trim()).filter((p) => p !== '' && !NONE.has(slug(p)));
}

function choiceSchema(options: ChoiceOption[], multiple: boolean) {
  const allowed = options.map((o) => o.label).join(', ');
  return z.array(z.string()).transform((picked, ctx) => {
    const values: string[] = [];
    for (const answer of picked) {
      const match = optionFor(options, answer);
      if (match) values.push(match.value);
      else ctx.addIssue({ code: 'custom', message: `“${answer.slice(0, 80)}” is not one of: ${allowed}` });
    }
    if (!multiple && new Set(values).size > 1) ctx.addIssue({ code: 'custom', message: 'pick only one option' });
    return [...new Set(values)];
  });
}

/** The zod schema of one answered field (see `isUnanswered` for the empty case). */
export function fieldSchema(field: FieldDefinition, context: FieldContext): z.ZodType<FieldValue, RawAnswer> {
  const text = (schema: z.ZodType<FieldValue, string>) =>
    z
      .custom<RawAnswer>()
      .transform((a) => a.text)
      .pipe(schema);
  switch (field.type) {
    case 'text':
      return text(
        z
          .string()
          .min(field.min ?? 0, { error: `must be at least ${field.min} characters` })
          .max(field.max ?? Number.MAX_SAFE_INTEGER, { error: `must be at most ${field.max} characters` }),
      );
    case 'handle':
      return text(handle);
    case 'handle-or-email':
      return text(z.union([handle, z.email()], { error: 'must be a @handle or an e-mail address' }));
    case 'url':
      return text(urlSchema(field, context));
    case 'integer':
      return text(integerSchema(field.min));
    case 'money':
      return text(moneySchema(field.min));
    case 'number':
      return text(numberSchema(field.min));
    case 'date':
      return text(isoDate);
    case 'quarter-or-date':
      return text(
        z.union([z.string().regex(QUARTER), isoDate], { error: 'must be a quarter like FY27-Q1 or a date YYYY-MM-DD' }),
      );
    case 'yes-no':
      return z
        .custom<RawAnswer>()
        .transform(pickedOptions)
        .pipe(choiceSchema(YES_NO_OPTIONS, false))
        .transform((values) => values[0] === 'yes');
    case 'choice':
      return z.custom<RawAnswer>().transform(pickedOptions).pipe(choiceSchema(field.options, field.multiple));
    case 'checklist':
      return z
        .custom<RawAnswer>()
        .transform((a) => a.items)
        .pipe(
          z
            .array(z.custom<ChecklistItem>())
            .min(field.minItems, { error: `needs at least ${field.minItems} checklist item (- [ ] …)` }),
        );
  }
}

/** Is the field left empty? For choices: nothing picked; for checklists: no items. */
export function isUnanswered(field: FieldDefinition, answer: RawAnswer | undefined): boolean {
  if (!answer) return true;
  if (field.type === 'choice' || field.type === 'yes-no') return pickedOptions(answer).length === 0;
  if (field.type === 'checklist') return answer.items.length === 0 && answer.text === '';
  return answer.text === '';
}
