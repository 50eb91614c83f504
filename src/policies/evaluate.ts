import type { PolicyAction } from '../config/policies.js';
import { durationOf, matches } from './condition.js';
import { fill, placeholders } from './render.js';
import type { Evaluation, Policy, PolicyFacts, PolicyMemory, PolicyStep } from './types.js';

const ALERT_SUMMARIES: Record<string, string> = {
  'at-risk': '{title}: {duration} at day {elapsedDays} of {targetDays}, {leftDays} days left',
  breached: '{title}: {duration} at day {elapsedDays}, {overDays} days past the {targetDays}-day target',
  stale: '{title}: no activity for {idleDays} days',
  'suggest-lost': '{title}: {idleDays} days idle in {stage}; close it as lost?',
  'over-burn': '{title}: {burn} of the effort spent ({spentHours} of {budgetHours} hours), not live yet',
};

/** A text that shows the forecast: only for such a step is a forecast worth its simulation. */
const templateShowsForecast = (template: string): boolean => template.includes('{forecast}');

/**
 * Turn one policy's actions into steps, against the labels as they will be after the steps before.
 * Steps whose text shows the forecast go into `showingForecast` too.
 */
function plan(
  policy: Policy,
  actions: PolicyAction[],
  facts: PolicyFacts,
  labels: Set<string>,
  at: string,
  kpi: string,
  showingForecast: Set<PolicyStep>,
): PolicyStep[] {
  const values = placeholders(facts, durationOf(policy.when, kpi));
  const add: string[] = [];
  const remove: string[] = [];
  const steps: PolicyStep[] = [];
  for (const action of actions) {
    if ('addLabel' in action) {
      if (!labels.has(action.addLabel)) add.push(action.addLabel);
      labels.add(action.addLabel);
    } else if ('removeLabel' in action) {
      if (labels.has(action.removeLabel)) remove.push(action.removeLabel);
      labels.delete(action.removeLabel);
    } else if ('comment' in action) {
      const { marker, body } = action.comment;
      const step: PolicyStep = {
        policy: policy.name,
        type: 'comment',
        marker,
        body: `${marker}\n${fill(body, values)}`,
      };
      steps.push(step);
      if (templateShowsForecast(body)) showingForecast.add(step);
    } else {
      const template = action.summary ?? ALERT_SUMMARIES[action.alert]!;
      const summary = fill(template, values);
      const issue = {
        ...facts.ref,
        ...(facts.url ? { url: facts.url } : {}),
        ...(facts.title ? { title: facts.title } : {}),
      };
      const details = {
        policy: policy.name,
        stage: facts.stage,
        elapsedDays: values.elapsedDays,
        leftDays: values.leftDays,
        idleDays: values.idleDays,
      };
      const step: PolicyStep = {
        policy: policy.name,
        type: 'alert',
        alert: { kind: action.alert, at, issue, summary, details },
      };
      steps.push(step);
      if (templateShowsForecast(template)) showingForecast.add(step);
    }
  }
  const labelStep: PolicyStep[] =
    add.length > 0 || remove.length > 0 ? [{ policy: policy.name, type: 'labels', add, remove }] : [];
  return [...labelStep, ...steps];
}

/**
 * The policies for one issue at `nowMs`. Each policy acts once each time its condition becomes
 * true (and runs its `resolve` actions once when it stops being true), so a second sweep does
 * nothing, and a label a person removed after the policy acted stays removed until another
 * policy acts. Steps on the same comment marker collapse into the last one. The forecast is only
 * text (`facts.forecast`); `showsForecast` tells whether any step shows it. Pure.
 */
export function evaluatePolicies(
  facts: PolicyFacts,
  policies: readonly Policy[],
  nowMs: number,
  memory: PolicyMemory,
  kpi: string,
): Evaluation {
  const at = new Date(nowMs).toISOString();
  const fired = { ...memory.fired };
  const labels = new Set(facts.labels);
  let steps: PolicyStep[] = [];
  const showingForecast = new Set<PolicyStep>();
  let memoryChanged = false;
  for (const policy of policies) {
    const matched = matches(policy.when, facts, kpi);
    const acted = Object.hasOwn(fired, policy.name);
    if (matched === acted) continue;
    memoryChanged = true;
    if (matched) {
      fired[policy.name] = at;
      steps.push(...plan(policy, policy.actions, facts, labels, at, kpi, showingForecast));
    } else {
      delete fired[policy.name];
      steps.push(...plan(policy, policy.resolve, facts, labels, at, kpi, showingForecast));
    }
  }
  const lastComment = new Map(steps.flatMap((step, i) => (step.type === 'comment' ? [[step.marker, i] as const] : [])));
  steps = steps.filter((step, i) => step.type !== 'comment' || lastComment.get(step.marker) === i);
  return { steps, memory: { fired }, memoryChanged, showsForecast: steps.some((step) => showingForecast.has(step)) };
}
