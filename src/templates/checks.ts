import { DEPLOYMENT_REQUEST_TYPES, TEMPLATES } from './definitions.js';
import type { FieldValue } from './field-schemas.js';
import type { TemplateId } from './fields.js';
import type { Problem, ValidationContext } from './validate.js';

const DAY_MS = 86_400_000;

interface CrossResult {
  errors: Problem[];
  warnings: Problem[];
  taReviewNeeded: boolean;
}

function problem(template: TemplateId, field: string, message: string): Problem {
  const label = TEMPLATES[template].fields.find((f) => f.id === field)?.label ?? field;
  return { field, label, message };
}

function first(value: FieldValue | undefined): string | undefined {
  return Array.isArray(value)
    ? typeof value[0] === 'string'
      ? value[0]
      : undefined
    : typeof value === 'string'
      ? value
      : undefined;
}

/** Rules that look at more than one field: conditional requirements, date order, thresholds. */
export function crossFieldChecks(
  template: TemplateId,
  values: Record<string, FieldValue>,
  answered: Set<string>,
  context: ValidationContext,
): CrossResult {
  const result: CrossResult = { errors: [], warnings: [], taReviewNeeded: false };
  if (template !== 'sow-request') return result;
  const requestType = first(values['request_type']);
  const isDeployment = (DEPLOYMENT_REQUEST_TYPES as readonly string[]).includes(requestType ?? '');
  for (const field of TEMPLATES[template].fields) {
    if (field.required === 'when-deployment' && isDeployment && !answered.has(field.id))
      result.errors.push(problem(template, field.id, `is required for ${requestType} requests`));
  }
  if (requestType === 'production-deployment' && !answered.has('technical_design_url'))
    result.warnings.push(
      problem(template, 'technical_design_url', 'is missing; production deployments should link a technical design'),
    );
  const start = first(values['target_start_date']);
  const goLive = first(values['target_go_live_date']);
  if (start && goLive) {
    const days = (Date.parse(goLive) - Date.parse(start)) / DAY_MS;
    if (days < 0)
      result.errors.push(
        problem(template, 'target_go_live_date', `must be on or after the target start date (${start})`),
      );
    else if (days > context.goLiveWarnAfterDays)
      result.warnings.push(
        problem(
          template,
          'target_go_live_date',
          `is ${days} days after the start date; the goal is ${context.goLiveWarnAfterDays} days`,
        ),
      );
  }
  const value = values['estimated_value_usd'];
  result.taReviewNeeded = typeof value === 'number' && value > context.taReviewAboveUsd;
  return result;
}
