import { readFileSync } from 'node:fs';
import { analyseBody, type TemplateId, type ValidationContext } from '../../../src/templates/index.js';

export const CONTEXT: ValidationContext = {
  author: 'octo-author',
  crmHosts: [],
  taReviewAboveUsd: 50_000,
  goLiveWarnAfterDays: 30,
};

export function fixtureBody(name: string): string {
  return readFileSync(new URL(`../../fixtures/bodies/${name}.md`, import.meta.url), 'utf8');
}

export function analyse(body: unknown, labels: string[] = [], fallback: TemplateId | null = null, context = CONTEXT) {
  return analyseBody(body, labels, 'type::', context, fallback);
}

/** Replace the answer under `### heading` (GitHub-rendered bodies). */
export function withAnswer(body: string, heading: string, answer: string): string {
  const start = body.indexOf(`### ${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const from = start + heading.length + 5;
  const next = body.indexOf('\n### ', from);
  return `${body.slice(0, from)}\n${answer}\n${next < 0 ? '' : body.slice(next)}`;
}
