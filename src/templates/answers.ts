import type { FieldDefinition, TemplateDefinition, TemplateId } from './fields.js';
import { TEMPLATE_IDS, TEMPLATES } from './definitions.js';
import { headingKey, toAnswer, type ParsedBody, type RawAnswer } from './parse.js';
import { slug } from './text.js';

/** The keys under which a field may appear: its label and its id (`Customer name`, `customer_name`). */
function fieldKeys(field: FieldDefinition): string[] {
  return [headingKey(field.label), slug(field.id)];
}

function keyIndex(template: TemplateDefinition): Map<string, FieldDefinition> {
  const index = new Map<string, FieldDefinition>();
  for (const field of template.fields) for (const key of fieldKeys(field)) index.set(key, field);
  return index;
}

const INDEXES = new Map(TEMPLATE_IDS.map((id) => [id, keyIndex(TEMPLATES[id])]));

function indexOf(template: TemplateId): Map<string, FieldDefinition> {
  return INDEXES.get(template) ?? new Map();
}

/**
 * Each field's answer: the text under its heading, including deeper sub-headings that are not
 * fields themselves (people structure long answers), up to the next heading at the same level.
 * Fields without a heading fall back to a `Field: value` line. The first non-empty answer wins.
 */
export function answersFor(template: TemplateId, parsed: ParsedBody): Map<string, RawAnswer> {
  const index = indexOf(template);
  const answers = new Map<string, RawAnswer>();
  const { blocks } = parsed;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const field = index.get(block.key);
    if (!field || answers.get(field.id)?.text) continue;
    const lines = [...block.lines];
    for (let j = i + 1; j < blocks.length; j++) {
      const next = blocks[j]!;
      if (next.level <= block.level || index.has(next.key)) break;
      lines.push(next.heading, ...next.lines);
    }
    answers.set(field.id, toAnswer(lines));
  }
  for (const [key, value] of parsed.inline) {
    const field = index.get(key);
    if (field && !answers.get(field.id)?.text) answers.set(field.id, toAnswer([value]));
  }
  return answers;
}

/** How many distinct fields of a template have a heading in the body. */
export function headingMatches(template: TemplateId, parsed: ParsedBody): number {
  const index = indexOf(template);
  const seen = new Set<string>();
  for (const block of parsed.blocks) {
    const field = index.get(block.key);
    if (field) seen.add(field.id);
  }
  return seen.size;
}
