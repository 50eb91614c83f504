import type { ForgeName } from '../domain/types.js';
import { YES_NO_OPTIONS } from '../templates/definitions.js';
import type { FieldDefinition, TemplateId } from '../templates/fields.js';
import { TEMPLATES } from '../templates/index.js';

export interface ChecklistItem {
  text: string;
  done: boolean;
}

/** A person's answer: text, chosen option values (`kubernetes-helm`), or a checklist. */
export type Answer = string | string[] | ChecklistItem[];
export type Answers = Record<string, Answer | undefined>;

function isChecklist(answer: Answer): answer is ChecklistItem[] {
  return Array.isArray(answer) && answer.length > 0 && typeof answer[0] === 'object';
}

function optionsOf(field: FieldDefinition): { value: string; label: string }[] {
  if (field.type === 'choice') return field.options;
  if (field.type === 'yes-no') return YES_NO_OPTIONS;
  return [];
}

const chosen = (answer: Answer | undefined): string[] =>
  answer === undefined ? [] : typeof answer === 'string' ? [answer] : (answer as string[]);
const checklist = (items: ChecklistItem[]) => items.map((item) => `- [${item.done ? 'x' : ' '}] ${item.text}`);

/** As GitHub renders an issue-form submission: `### Label`, the answer, `_No response_` when empty. */
function githubAnswer(field: FieldDefinition, answer: Answer | undefined): string[] {
  if (answer === undefined || answer.length === 0) return ['_No response_'];
  if (isChecklist(answer)) return checklist(answer);
  const options = optionsOf(field);
  if (options.length === 0) return [String(answer)];
  return [
    chosen(answer)
      .map((value) => options.find((o) => o.value === value)?.label ?? value)
      .join(', '),
  ];
}

/** As a person fills in our GitLab description template: boxes ticked, answers typed under the heading. */
function gitlabAnswer(field: FieldDefinition, answer: Answer | undefined): string[] {
  if (answer !== undefined && isChecklist(answer)) return checklist(answer);
  const options = optionsOf(field);
  if (options.length > 0) return options.map((o) => `- [${chosen(answer).includes(o.value) ? 'x' : ' '}] ${o.label}`);
  return [typeof answer === 'string' ? answer : ''];
}

/** The description of an issue opened from one of our templates on a forge, with these answers. */
export function templateBody(forge: ForgeName, template: TemplateId, answers: Answers): string {
  const lines = forge === 'gitlab' ? [`<!-- template: ${template} -->`, ''] : [];
  for (const field of TEMPLATES[template].fields) {
    const answer = answers[field.id];
    lines.push(
      `### ${field.label}`,
      '',
      ...(forge === 'gitlab' ? gitlabAnswer(field, answer) : githubAnswer(field, answer)),
      '',
    );
  }
  return lines.join('\n');
}
