import type { ChoiceOption, FieldDefinition, TemplateDefinition, TemplateId } from './fields.js';

const option = (value: string, label: string, ...aliases: string[]): ChoiceOption => ({ value, label, aliases });

/** A free-text, optional, multi-line answer. */
const notes = (id: string, label: string, description: string): FieldDefinition => ({
  id,
  label,
  type: 'text',
  multiline: true,
  required: false,
  description,
});

/** The options of every yes/no field. */
export const YES_NO_OPTIONS: ChoiceOption[] = [option('yes', 'Yes', 'y', 'true'), option('no', 'No', 'n', 'false')];

/** Request types that deploy or move an instance: they need deployment type and hosting provider. */
export const DEPLOYMENT_REQUEST_TYPES = [
  'production-deployment',
  'migration-self-hosted',
  'migration-to-cloud',
  'trial-deployment',
] as const;

const sowFields: FieldDefinition[] = [
  {
    id: 'customer_name',
    label: 'Customer name',
    type: 'text',
    min: 2,
    max: 200,
    required: true,
    description: 'Legal or commonly used name of the customer.',
    placeholder: 'Acme Corp',
  },
  {
    id: 'account_executive',
    label: 'Account executive',
    type: 'handle-or-email',
    required: true,
    description: 'The AE who owns the opportunity: @handle or e-mail.',
    placeholder: '@jdoe',
  },
  {
    id: 'requester',
    label: 'Requester',
    type: 'handle',
    required: true,
    defaultsToAuthor: true,
    description: 'Who asks for the SOW (@handle). Left empty, the issue author.',
    placeholder: '@jdoe',
  },
  {
    id: 'opportunity_url',
    label: 'Opportunity URL',
    type: 'url',
    https: true,
    crmHosts: true,
    required: true,
    description: 'Link to the opportunity in the CRM (https).',
    placeholder: 'https://crm.example.com/opportunity/123',
  },
  {
    id: 'request_type',
    label: 'Request type',
    type: 'choice',
    multiple: false,
    required: true,
    description: 'What the customer asks for.',
    options: [
      option('production-deployment', 'Production deployment'),
      option('migration-self-hosted', 'Migration (self-hosted)', 'self-hosted migration'),
      option('migration-to-cloud', 'Migration to cloud', 'cloud migration'),
      option('feature-expansion', 'Feature expansion'),
      option('upgrade', 'Upgrade'),
      option('trial-deployment', 'Trial deployment', 'trial'),
      option('training', 'Training'),
      option('other', 'Other'),
    ],
  },
  {
    id: 'services_requested',
    label: 'Services requested',
    type: 'choice',
    multiple: true,
    required: true,
    description: 'Every service in scope (at least one).',
    options: [
      option('implementation', 'Implementation'),
      option('migration', 'Migration'),
      option('integration', 'Integration'),
      option('training', 'Training'),
      option('discovery', 'Discovery'),
      option('health-check', 'Health check', 'healthcheck'),
      option('managed-services', 'Managed services'),
      option('resident-architect', 'Resident architect'),
    ],
  },
  {
    id: 'deployment_type',
    label: 'Deployment type',
    type: 'choice',
    multiple: false,
    required: 'when-deployment',
    description: 'Required for deployment, migration and trial requests.',
    options: [
      option('kubernetes-helm', 'Kubernetes (Helm)', 'helm'),
      option('kubernetes-other', 'Kubernetes (other)'),
      option('docker-compose', 'Docker Compose'),
      option('machine-image', 'Machine image', 'ami'),
      option('managed-cloud', 'Managed cloud'),
      option('vm-omnibus', 'VM (Omnibus)', 'omnibus'),
      option('undecided', 'Undecided'),
    ],
  },
  {
    id: 'hosting_provider',
    label: 'Hosting provider',
    type: 'choice',
    multiple: false,
    required: 'when-deployment',
    description: 'Required for deployment, migration and trial requests.',
    options: [
      option('aws', 'AWS', 'amazon web services'),
      option('gcp', 'GCP', 'google cloud'),
      option('azure', 'Azure'),
      option('on-prem', 'On-prem', 'on premises', 'on-premises'),
      option('other', 'Other'),
      option('undecided', 'Undecided'),
    ],
  },
  {
    id: 'technical_design_url',
    label: 'Technical design URL',
    type: 'url',
    https: false,
    required: false,
    description: 'Link to the technical design (expected for production deployments).',
  },
  {
    id: 'expected_users',
    label: 'Expected users',
    type: 'integer',
    min: 1,
    required: false,
    description: 'Number of users at go-live.',
  },
  {
    id: 'expected_repos',
    label: 'Expected repositories',
    type: 'integer',
    min: 0,
    required: false,
    description: 'Number of repositories at go-live.',
  },
  {
    id: 'code_hosts',
    label: 'Code hosts',
    type: 'choice',
    multiple: true,
    required: false,
    description: 'Where the code lives today.',
    options: [
      option('github', 'GitHub'),
      option('gitlab', 'GitLab'),
      option('bitbucket', 'Bitbucket'),
      option('perforce', 'Perforce'),
      option('other', 'Other'),
    ],
  },
  {
    id: 'air_gapped',
    label: 'Air-gapped',
    type: 'yes-no',
    required: false,
    description: 'Is the environment air-gapped?',
  },
  {
    id: 'high_availability',
    label: 'High availability',
    type: 'yes-no',
    required: false,
    description: 'Is high availability required?',
  },
  {
    id: 'segment',
    label: 'Segment',
    type: 'choice',
    multiple: false,
    required: false,
    description: 'Customer segment; sets the `segment::*` label.',
    options: [
      option('smb', 'SMB', 'small business'),
      option('mm', 'Mid-market', 'mid market', 'midmarket'),
      option('enterprise', 'Enterprise', 'ent'),
      option('strategic', 'Strategic'),
    ],
  },
  {
    id: 'estimated_value_usd',
    label: 'Estimated value (USD)',
    type: 'money',
    min: 0,
    required: false,
    description: 'Expected SOW value in US dollars; above the threshold a TA review is needed.',
    placeholder: '60000',
  },
  {
    id: 'sow_hours',
    label: 'Sold effort (hours)',
    type: 'number',
    min: 0,
    required: false,
    description: 'Hours of work the SOW sells; time logged against it is reported as burn.',
    placeholder: '120',
  },
  {
    id: 'expected_close_date',
    label: 'Expected close date',
    type: 'date',
    required: false,
    description: 'YYYY-MM-DD',
  },
  { id: 'target_start_date', label: 'Target start date', type: 'date', required: false, description: 'YYYY-MM-DD' },
  {
    id: 'target_go_live_date',
    label: 'Target go-live date',
    type: 'date',
    required: false,
    description: 'YYYY-MM-DD, on or after the start date.',
  },
  {
    id: 'implementation_start',
    label: 'Implementation started',
    type: 'date',
    required: false,
    description:
      'YYYY-MM-DD. Filled in by the services team when the real start differs from the board (overrides the deployment stage date in metrics).',
  },
  {
    id: 'implementation_end',
    label: 'Production live',
    type: 'date',
    required: false,
    description:
      'YYYY-MM-DD. Filled in by the services team when production went live on another day than the board says.',
  },
  notes('additional_info', 'Additional information', 'Anything else the services team should know.'),
];

const initiativeFields: FieldDefinition[] = [
  {
    id: 'area',
    label: 'Area',
    type: 'choice',
    multiple: false,
    required: true,
    description: 'Which area the initiative improves.',
    options: [
      option('documentation', 'Documentation', 'docs'),
      option('training', 'Training'),
      option('program-development', 'Program development', 'programme development'),
      option('tooling', 'Tooling'),
      option('process', 'Process'),
      option('other', 'Other'),
    ],
  },
  {
    id: 'problem_statement',
    label: 'Problem statement',
    type: 'text',
    min: 20,
    multiline: true,
    required: true,
    description: 'What problem this solves and for whom (at least 20 characters).',
  },
  {
    id: 'owner',
    label: 'Owner',
    type: 'handle',
    required: true,
    description: 'Who drives it (@handle).',
    placeholder: '@jdoe',
  },
  {
    id: 'exit_criteria',
    label: 'Exit criteria',
    type: 'checklist',
    minItems: 1,
    required: true,
    description: 'A markdown checklist; progress is the share of checked items.',
  },
  {
    id: 'target_quarter',
    label: 'Target quarter or due date',
    type: 'quarter-or-date',
    required: true,
    description: 'Fiscal quarter such as FY27-Q1, or a due date YYYY-MM-DD.',
    placeholder: 'FY27-Q1',
  },
  notes('kpi_impact', 'KPI impact', 'Which KPI moves, and by how much.'),
  notes('related_links', 'Related links', 'Issues, epics, documents.'),
];

export const SOW_REQUEST: TemplateDefinition = {
  id: 'sow-request',
  name: 'SOW Request',
  description: 'Ask Professional Services for a statement of work.',
  titlePrefix: 'SOW: ',
  labels: ['type::sow-request', 'stage::intake'],
  intro:
    'Fill in every section; keep the headings so the board can read them. ' +
    'The bot labels the issue and comments once with anything that is missing.',
  fields: sowFields,
};

export const STRATEGIC_INITIATIVE: TemplateDefinition = {
  id: 'strategic-initiative',
  name: 'Strategic Initiative',
  description: 'Propose an internal Professional Services programme.',
  titlePrefix: 'Initiative: ',
  labels: ['type::strategic-initiative', 'initiative::proposed'],
  intro: 'Describe the initiative; check exit criteria as they are met, the bot reports progress.',
  fields: initiativeFields,
};

export const TEMPLATES: Record<TemplateId, TemplateDefinition> = {
  'sow-request': SOW_REQUEST,
  'strategic-initiative': STRATEGIC_INITIATIVE,
};

export const TEMPLATE_IDS = Object.keys(TEMPLATES) as TemplateId[];
