import type { StageRule } from './schema.js';

/**
 * The board vocabulary: stages, labels and aliases. `default` follows docs/domain.md;
 * `gitlab-ps` adds the real GitLab professional-services labels as aliases.
 */

export const SALES_STAGES = [
  'intake',
  'triage',
  'discovery',
  'estimate',
  'sow-drafting',
  'sow-review',
  'sow-approved',
  'sow-signed',
] as const;

export const DELIVERY_STAGES = [
  'handoff',
  'kickoff',
  'design-validation',
  'deployment',
  'configuration',
  'production-live',
  'ta-handoff',
  'closed',
] as const;

export const INITIATIVE_STAGES = ['proposed', 'in-progress', 'done', 'paused'] as const;

export interface BoardPreset {
  name: string;
  /** Stage names in board order (without prefix). */
  stages: string[];
  /** The side state that remembers where it came from. */
  holdStage: string;
  initiativeStages: string[];
  /** Foreign label → canonical label (e.g. `proposal::Scoping` → `stage::discovery`). The first alias of a label is how the bot writes it. */
  aliases: Record<string, string>;
  /** Stage a closed issue moves to (default `closed`). */
  closedStage?: string;
  /** Initiative side state that remembers where it came from (default `paused`). */
  initiativeHoldStage?: string;
  /** Initiative stage a closed initiative moves to (default `done`). */
  initiativeClosedStage?: string;
  /** Movement rules the preset ships; `config.rules` apply after them. */
  rules?: StageRule[];
}

export const DEFAULT_PRESET: BoardPreset = {
  name: 'default',
  stages: [...SALES_STAGES, ...DELIVERY_STAGES],
  holdStage: 'on-hold',
  initiativeStages: [...INITIATIVE_STAGES],
  aliases: {},
  closedStage: 'closed',
  initiativeHoldStage: 'paused',
  initiativeClosedStage: 'done',
  rules: [
    {
      name: 'Initiative is done when every exit criterion is checked',
      when: { allExitCriteriaChecked: true },
      moveTo: 'initiative::done',
      kinds: ['strategic-initiative'],
    },
  ],
};

export const GITLAB_PS_PRESET: BoardPreset = {
  ...DEFAULT_PRESET,
  name: 'gitlab-ps',
  aliases: {
    Open: 'stage::intake',
    'proposal::Scoping': 'stage::discovery',
    'proposal::Awaiting_Discovery': 'stage::discovery',
    'proposal::Cost Estimate': 'stage::estimate',
    'proposal::Strawman_WIP': 'stage::estimate',
    'proposal::Estimate_Feedback': 'stage::estimate',
    'proposal::Writing': 'stage::sow-drafting',
    'proposal::SOW_WIP': 'stage::sow-drafting',
    'proposal::Ready For Approval': 'stage::sow-review',
    'proposal::ReadyForApproval': 'stage::sow-review',
    'proposal::Approved': 'stage::sow-approved',
    'proposal::Closed_Won': 'outcome::won',
    'proposal::Closed_Lost': 'outcome::lost',
    'proposal::On_hold': 'stage::on-hold',
    'TA::Needs-Review': 'review::ta-needed',
    'RDM::needs-review': 'review::rdm-needed',
  },
  rules: [
    ...(DEFAULT_PRESET.rules ?? []),
    { name: 'Closed won: the SOW is signed', when: { labelAdded: 'outcome::won' }, moveTo: 'sow-signed' },
  ],
};

export const PRESETS: Record<string, BoardPreset> = {
  default: DEFAULT_PRESET,
  'gitlab-ps': GITLAB_PS_PRESET,
};
