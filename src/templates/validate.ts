import { crossFieldChecks } from './checks.js';
import { TEMPLATES } from './definitions.js';
import { fieldSchema, isUnanswered, type FieldContext, type FieldValue } from './field-schemas.js';
import type { TemplateId } from './fields.js';
import type { ChecklistItem, RawAnswer } from './parse.js';

/** One problem, named the way the user sees the field. */
export interface Problem {
  field: string;
  label: string;
  message: string;
}

export interface ValidationContext extends FieldContext {
  taReviewAboveUsd: number;
  goLiveWarnAfterDays: number;
}

export interface Validation {
  template: TemplateId;
  values: Record<string, FieldValue>;
  errors: Problem[];
  warnings: Problem[];
  /** Checked / total exit criteria (strategic initiatives). */
  progress: { checked: number; total: number } | null;
  taReviewNeeded: boolean;
}

/** Validate every field (all problems at once, never the first only), then the cross-field rules. */
export function validateAnswers(
  template: TemplateId,
  answers: Map<string, RawAnswer>,
  context: ValidationContext,
): Validation {
  const values: Record<string, FieldValue> = {};
  const errors: Problem[] = [];
  const answered = new Set<string>();
  for (const field of TEMPLATES[template].fields) {
    const answer = answers.get(field.id);
    if (isUnanswered(field, answer)) {
      if (field.defaultsToAuthor && context.author) values[field.id] = `@${context.author}`;
      else if (field.required === true) errors.push({ field: field.id, label: field.label, message: 'is required' });
      continue;
    }
    answered.add(field.id);
    const parsed = fieldSchema(field, context).safeParse(answer);
    if (parsed.success) values[field.id] = parsed.data;
    else
      for (const issue of parsed.error.issues)
        errors.push({ field: field.id, label: field.label, message: issue.message });
  }
  const cross = crossFieldChecks(template, values, answered, context);
  const criteria = values['exit_criteria'] as ChecklistItem[] | undefined;
  return {
    template,
    values,
    errors: [...errors, ...cross.errors],
    warnings: cross.warnings,
    progress:
      template === 'strategic-initiative'
        ? { checked: criteria?.filter((c) => c.checked).length ?? 0, total: criteria?.length ?? 0 }
        : null,
    taReviewNeeded: cross.taReviewNeeded,
  };
}
