/** The shape of a template: one definition renders both forges' files and drives parsing and validation. */

export interface ChoiceOption {
  /** Canonical value (kebab-case), e.g. `kubernetes-helm`. */
  value: string;
  /** What the user sees and what the forge writes into the body, e.g. `Kubernetes (Helm)`. */
  label: string;
  /** Other spellings people write, matched after slugging. */
  aliases?: string[];
}

export type FieldType =
  | { type: 'text'; min?: number; max?: number; multiline?: boolean }
  | { type: 'handle' }
  | { type: 'handle-or-email' }
  | { type: 'url'; https: boolean; crmHosts?: boolean }
  | { type: 'integer'; min: number }
  | { type: 'money'; min: number }
  /** A decimal amount such as hours (`37.5`). */
  | { type: 'number'; min: number }
  | { type: 'date' }
  | { type: 'yes-no' }
  | { type: 'choice'; options: ChoiceOption[]; multiple: boolean }
  | { type: 'checklist'; minItems: number }
  | { type: 'quarter-or-date' };

export type FieldDefinition = FieldType & {
  /** snake_case id, as in domain.md; also the GitHub form element id. */
  id: string;
  /** The heading the user sees (`### Customer name`). */
  label: string;
  /** `when-deployment`: required only for deployment / migration / trial requests. */
  required: boolean | 'when-deployment';
  description: string;
  placeholder?: string;
  /** Left empty, the issue author's @handle is the answer (so the form does not insist). */
  defaultsToAuthor?: boolean;
};

export type TemplateId = 'sow-request' | 'strategic-initiative';

export interface TemplateDefinition {
  id: TemplateId;
  /** Human name of the template (form name, GitLab file title). */
  name: string;
  description: string;
  titlePrefix: string;
  /** Labels set by the GitHub form / the GitLab `/label` quick action. */
  labels: string[];
  intro: string;
  fields: FieldDefinition[];
}
