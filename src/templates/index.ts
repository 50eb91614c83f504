import { answersFor } from './answers.js';
import { parseBody } from './parse.js';
import { recognise, type Recognition } from './recognise.js';
import { validateAnswers, type Validation, type ValidationContext } from './validate.js';
import type { TemplateId } from './fields.js';

export interface BodyAnalysis {
  recognition: Recognition | null;
  validation: Validation | null;
}

/**
 * Read an issue body: which template it follows (or `fallback`, the template remembered for this
 * issue, so recognition survives edits that remove every trace) and what is wrong with it. Pure.
 */
export function analyseBody(
  body: unknown,
  labels: string[],
  typePrefix: string,
  context: ValidationContext,
  fallback: TemplateId | null = null,
): BodyAnalysis {
  const parsed = parseBody(body);
  const recognition = recognise(parsed, labels, typePrefix);
  const template = recognition?.template ?? fallback;
  return {
    recognition,
    validation: template ? validateAnswers(template, answersFor(template, parsed), context) : null,
  };
}

export type { TemplateId } from './fields.js';
export type { Problem, Validation, ValidationContext } from './validate.js';
export { TEMPLATES, TEMPLATE_IDS } from './definitions.js';
