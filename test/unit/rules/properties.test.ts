import { parseOverlay } from '../../../src/domain/overlay.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SALES_STAGES, DELIVERY_STAGES, GITLAB_PS_PRESET, INITIATIVE_STAGES } from '../../../src/config/presets.js';
import type { Config } from '../../../src/config/schema.js';
import type { ForgeName } from '../../../src/domain/types.js';
import { vocabularyFor } from '../../../src/rules/vocabulary.js';
import { body } from './payloads.js';
import { config } from './scenario.js';
import { columnName, World, type HumanStep, type StepRecord } from './world.js';

const SOW_STAGES = [...SALES_STAGES, ...DELIVERY_STAGES, 'on-hold'];
const SOW_BODIES = [
  body('github-sow-request'),
  body('gitlab-sow-request'),
  body('gitlab-sow-request').replace('Globex Corporation', ''),
  body('github-sow-request').replace('Enterprise', 'SMB').replace('$75,000', '10k'),
  '',
];
const INITIATIVE = body('github-strategic-initiative');
const INITIATIVE_BODIES = [
  INITIATIVE,
  INITIATIVE.replace('- [ ] First cohort certified', '- [x] First cohort certified'),
  INITIATIVE.replace(/- \[x\]/g, '- [ ]'),
  INITIATIVE.replace('@ie-lead', 'nobody'),
];

interface Setup {
  name: string;
  config: Config;
  family: 'stage' | 'initiative';
  labels: string[];
  bodies: string[];
  columns: string[];
  pool: string[];
}

const OTHER_LABELS = [
  'bug',
  'needs-info',
  'segment::smb',
  'segment::enterprise',
  'review::ta-needed',
  'outcome::lost',
  'type::implementation',
];
const SETUPS: Setup[] = [
  {
    name: 'SOW, default preset',
    config: config(),
    family: 'stage',
    labels: ['type::sow-request', 'stage::intake'],
    bodies: SOW_BODIES,
    columns: [...SOW_STAGES.map(columnName), 'Todo', 'SOW Review'],
    pool: [...SOW_STAGES.map((s) => `stage::${s}`), ...OTHER_LABELS],
  },
  {
    name: 'SOW, gitlab-ps preset',
    config: config({ preset: 'gitlab-ps' }),
    family: 'stage',
    labels: [],
    bodies: SOW_BODIES,
    columns: SOW_STAGES.map(columnName),
    pool: [
      ...Object.keys(GITLAB_PS_PRESET.aliases),
      'close_qtr::Q322',
      ...SOW_STAGES.map((s) => `stage::${s}`),
      ...OTHER_LABELS,
    ],
  },
  {
    name: 'strategic initiative',
    config: config(),
    family: 'initiative',
    labels: ['type::strategic-initiative', 'initiative::proposed'],
    bodies: INITIATIVE_BODIES,
    columns: INITIATIVE_STAGES.map(columnName),
    pool: [...INITIATIVE_STAGES.map((s) => `initiative::${s}`), 'bug', 'needs-info', 'stage::triage'],
  },
];

function stepArb(setup: Setup): fc.Arbitrary<HumanStep> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...setup.pool).map((label) => ({ kind: 'add' as const, label })) },
    { weight: 3, arbitrary: fc.nat(20).map((index) => ({ kind: 'remove' as const, index })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
    { weight: 2, arbitrary: fc.constantFrom(...setup.bodies).map((b) => ({ kind: 'edit' as const, body: b })) },
    { weight: 2, arbitrary: fc.constantFrom(...setup.columns).map((column) => ({ kind: 'board' as const, column })) },
  );
}

function familyStages(world: World, setup: Setup): string[] {
  const vocab = vocabularyFor(setup.config);
  const family = vocab.family(setup.family === 'initiative' ? 'strategic-initiative' : 'sow-request');
  return world.labels.flatMap((l) => vocab.stageOf(l, family) ?? []);
}

/** Every invariant, checked after one person's step and all the webhooks it caused. */
function checkStep(record: StepRecord, world: World, setup: Setup, known: { stage: string | null }): void {
  for (const echo of record.echoes) {
    expect(echo.actions, `fixpoint: our own ${echo.event.action} webhook asked for more`).toEqual([]);
    expect(echo.transitions, 'our own webhook recorded a transition').toEqual([]);
  }
  const stages = familyStages(world, setup);
  expect(stages.length, `more than one stage label: ${world.labels.join(', ')}`).toBeLessThanOrEqual(1);

  const added = record.human.labelsAfter.filter((l) => !record.human.labelsBefore.includes(l));
  const removed = record.human.labelsBefore.filter((l) => !record.human.labelsAfter.includes(l));
  for (const action of [record.actions, ...record.echoes.map((e) => e.actions)].flat()) {
    if (action.type !== 'labels') continue;
    expect(
      action.remove.filter((l) => added.includes(l)),
      'removed a label a person just added',
    ).toEqual([]);
    expect(
      action.add.filter((l) => removed.includes(l)),
      'added back a label a person just removed',
    ).toEqual([]);
  }

  const now = stages[0] ?? known.stage;
  const expected = now === known.stage ? [] : [{ from: known.stage, to: now }];
  const stageTransitions = record.transitions.filter((t) => parseOverlay(t.to) === null);
  expect(
    stageTransitions.map((t) => ({ from: t.from, to: t.to })),
    'one transition per stage change',
  ).toEqual(expected);
  expect(
    record.transitions.every(
      (t) => t.at === record.human.occurredAt || record.echoes.some((e) => e.event.occurredAt === t.at),
    ),
  ).toBe(true);
  expect(world.issueState?.stage).toBe(now);
  known.stage = now;
}

describe.each(SETUPS)('rules over random event sequences: $name', (setup) => {
  it.each<ForgeName>(['github', 'gitlab'])(
    'on %s: fixpoint, one stage label, humans respected, transitions once',
    (forge) => {
      fc.assert(
        fc.property(
          fc.constantFrom(...setup.bodies),
          fc.array(stepArb(setup), { maxLength: 25 }),
          (firstBody, steps) => {
            const world = new World(forge, setup.config, firstBody, setup.labels);
            const known = { stage: null as string | null };
            checkStep(world.open(), world, setup, known);
            for (const step of steps) {
              const record = world.human(step);
              if (record) checkStep(record, world, setup, known);
            }
          },
        ),
        { numRuns: 100 },
      );
    },
  );
});

describe('decide never throws', () => {
  it('on arbitrary bodies, labels and actions', async () => {
    const { decide } = await import('../../../src/rules/index.js');
    const actions = [
      'opened',
      'edited',
      'labeled',
      'unlabeled',
      'closed',
      'reopened',
      'updated',
      'board_status_changed',
    ] as const;
    const label = fc.oneof(fc.constantFrom(...SETUPS.flatMap((s) => s.pool)), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(
        fc.string({ maxLength: 500 }),
        fc.array(label, { maxLength: 6 }),
        fc.array(label, { maxLength: 6 }),
        fc.constantFrom(...actions),
        fc.option(fc.string({ maxLength: 20 })),
        (text, before, after, action, column) => {
          const world = new World('github', SETUPS[0]!.config, text, before);
          const event = {
            ...world.open().human,
            action,
            labelsBefore: before,
            labelsAfter: after,
            boardStatus: { projectNodeId: 'P', itemNodeId: 'I', from: null, to: column },
          };
          const decision = decide(event, world.issueState, SETUPS[1]!.config);
          expect(Array.isArray(decision.actions)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
