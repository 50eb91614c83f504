import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestInput } from '../../../src/reports/digest.js';
import { DIGEST_SECTIONS, renderDigest, type DigestSection } from '../../../src/reports/render.js';
import { digestInput, finished, open, report } from './support.js';

const [wentLive, implementation, openEngagements, crossings, pipeline, load, initiatives] = DIGEST_SECTIONS as [
  DigestSection,
  DigestSection,
  DigestSection,
  DigestSection,
  DigestSection,
  DigestSection,
  DigestSection,
];
const forecast = (p50: string, p85: string, chance: number) => ({
  status: 'forecast' as const,
  p50,
  p85,
  chanceWithinTarget: chance,
  targetDays: 30,
  samples: 40,
  basis: 'kind' as const,
});

const history = report({
  finished: [
    finished(7, '2026-12-04T10:00:00.000Z', 24.5, 'met', { title: 'Globex | EU' }),
    finished(6, '2026-11-30T00:00:00.000Z', 40, 'breached', { assignees: [] }),
    // Sunday 6 December ends at midnight: the next Monday is the next period.
    finished(5, '2026-12-07T00:00:00.000Z', 10, 'met'),
    finished(4, '2026-11-27T09:00:00.000Z', 20, 'met'),
    finished(3, '2026-11-25T09:00:00.000Z', 35, 'breached'),
    finished(2, '2026-11-24T09:00:00.000Z', 28, 'met'),
  ],
});

const cases: [string, DigestSection, Partial<DigestInput>, string[]][] = [
  [
    'went live: the period’s go-lives only, with duration against the target, linked',
    wentLive,
    { all: history },
    [
      '## Went live (2)',
      '',
      '| Engagement | Owners | Live on | Implementation | Target | Result |',
      '|---|---|---|---|---|---|',
      '| [acme/services#7 Globex \\| EU](https://github.com/acme/services/issues/7) | alice | 2026-12-04 | 24.5 d | 30 d | met |',
      '| [acme/services#6 Customer 6](https://github.com/acme/services/issues/6) | — | 2026-11-30 | 40.0 d | 30 d | breached |',
    ],
  ],
  ['went live: none', wentLive, {}, ['## Went live (0)', '', 'No engagement went live this period.']],
  [
    'implementation: median, p90 and within-target share against the previous week',
    implementation,
    { all: history },
    [
      '## Implementation (implementation)',
      '',
      '|  | 2026-W49 | 2026-W48 |',
      '|---|---|---|',
      '| Went live | 2 (−1) | 3 |',
      '| Median | 32.3 d (+4.3 d) | 28.0 d |',
      '| p90 | 38.5 d (+4.9 d) | 33.6 d |',
      '| Within target | 50 % (−17 pts) | 67 % |',
    ],
  ],
  [
    'implementation: a week with nothing live compares with nothing',
    implementation,
    {},
    [
      '## Implementation (implementation)',
      '',
      '|  | 2026-W49 | 2026-W48 |',
      '|---|---|---|',
      '| Went live | 0 (±0) | 0 |',
      '| Median | — | — |',
      '| p90 | — | — |',
      '| Within target | — | — |',
    ],
  ],
  [
    'open engagements: by status, with owners, P50/P85 go-live and chance within target',
    openEngagements,
    {
      all: report({
        open: [
          open(11, 41, 'breached', forecast('2026-12-20', '2027-01-04', 0)),
          open(
            12,
            23,
            'at-risk',
            { status: 'too-little-history', samples: 3, minimumHistory: 10 },
            { assignees: ['bob', 'carol'] },
          ),
          open(13, 5, 'on-track', forecast('2026-12-28', '2027-01-09', 0.815), { stage: null }),
        ],
      }),
    },
    [
      '## Open engagements (3)',
      '',
      '### Breached (1)',
      '',
      '| Engagement | Owners | Stage | Days | P50 go-live | P85 go-live | Chance within target |',
      '|---|---|---|---|---|---|---|',
      '| 42#11 Open 11 | bob | deployment | 41.0 d | 2026-12-20 | 2027-01-04 | 0 % |',
      '',
      '### At risk (1)',
      '',
      '| Engagement | Owners | Stage | Days | P50 go-live | P85 go-live | Chance within target |',
      '|---|---|---|---|---|---|---|',
      '| 42#12 Open 12 | bob, carol | deployment | 23.0 d | too little history (3 of 10) |  |  |',
      '',
      '### On track (1)',
      '',
      '| Engagement | Owners | Stage | Days | P50 go-live | P85 go-live | Chance within target |',
      '|---|---|---|---|---|---|---|',
      '| 42#13 Open 13 | bob | — | 5.0 d | 2026-12-28 | 2027-01-09 | 82 % |',
    ],
  ],
  [
    'open engagements: a cut list says so',
    openEngagements,
    { all: report({ open: [open(11, 41, 'breached', null)], openTotal: 250 }) },
    [
      '## Open engagements (250)',
      '',
      'The 1 with the highest risk are listed; the dashboard has them all.',
      '',
      '### Breached (1)',
      '',
      '| Engagement | Owners | Stage | Days | P50 go-live | P85 go-live | Chance within target |',
      '|---|---|---|---|---|---|---|',
      '| 42#11 Open 11 | bob | deployment | 41.0 d | — | — | — |',
    ],
  ],
  [
    'breached or at risk this period, from the sweep’s labels',
    crossings,
    {
      crossings: [
        {
          forge: 'github',
          project: 'acme/services',
          iid: 9,
          label: 'sla::at-risk',
          at: '2026-12-01T08:15:00.000Z',
          title: 'Initech',
        },
      ],
    },
    [
      '## Breached or at risk this period',
      '',
      '| Engagement | Became | On |',
      '|---|---|---|',
      '| [acme/services#9 Initech](https://github.com/acme/services/issues/9) | sla::at-risk | 2026-12-01 |',
    ],
  ],
  [
    'nothing crossed',
    crossings,
    {},
    ['## Breached or at risk this period', '', 'Nothing crossed a threshold this period.'],
  ],
  [
    'SOW pipeline: open per sales stage in board order, cycle time, won and lost',
    pipeline,
    {
      open: report({
        byStage: [
          { stage: 'triage', count: 2 },
          { stage: 'sow-drafting', count: 1 },
          { stage: 'deployment', count: 4 },
        ],
      }),
      all: report({
        sowCycle: {
          count: 8,
          mean: 20 * 86_400,
          median: 18 * 86_400,
          p75: 25 * 86_400,
          p90: 31.25 * 86_400,
          min: 86_400,
          max: 40 * 86_400,
        },
      }),
      outcomes: [
        { forge: 'gitlab', project: '42', iid: 3, outcome: 'lost', at: '2026-12-02T12:00:00.000Z', title: 'Hooli' },
      ],
    },
    [
      '## SOW pipeline',
      '',
      '| Stage | Open |',
      '|---|---|',
      '| triage | 2 |',
      '| sow-drafting | 1 |',
      '',
      'SOW cycle time (8 finished, all time): median 18.0 d, p90 31.3 d.',
      '',
      'Won this period: 0 · lost: 1.',
      '',
      '| Engagement | Outcome | On |',
      '|---|---|---|',
      '| 42#3 Hooli | lost | 2026-12-02 |',
    ],
  ],
  [
    'load per engineer, from byAssignee',
    load,
    {
      all: report({
        byAssignee: [
          { assignee: 'alice', open: 3, atRisk: 1, breached: 0, finished: 4, finishedMedian: 25 * 86_400 },
          { assignee: 'bob', open: 0, atRisk: 0, breached: 0, finished: 0, finishedMedian: null },
        ],
      }),
    },
    [
      '## Load per engineer',
      '',
      '| Engineer | Open | At risk | Breached | Finished | Median finished |',
      '|---|---|---|---|---|---|',
      '| alice | 3 | 1 | 0 | 4 | 25.0 d |',
      '| bob | 0 | 0 | 0 | 0 | — |',
    ],
  ],
  [
    'strategic initiatives by stage',
    initiatives,
    {
      initiatives: report({
        byStage: [
          { stage: 'in-progress', count: 2 },
          { stage: 'done', count: 1 },
        ],
        closed: 1,
      }),
    },
    [
      '## Strategic initiatives',
      '',
      '3 initiatives, 1 closed.',
      '',
      '| Stage | Initiatives |',
      '|---|---|',
      '| in-progress | 2 |',
      '| done | 1 |',
    ],
  ],
];

describe('the digest’s sections', () => {
  it.each(cases)('%s', (_name, section, overrides, expected) => {
    expect(section(digestInput(overrides))).toEqual(expected);
  });
});

describe('renderDigest', () => {
  it('puts a title, the dashboard link and every section in order', () => {
    const markdown = renderDigest(digestInput({ all: history }));
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '# Weekly digest 2026-W49 (30 Nov – 6 Dec 2026)',
      '',
      '[Dashboard](https://boardkeeper.example.com/dashboard) · as of 2026-12-07 08:00 UTC',
    ]);
    const headings = markdown.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual([
      '## Went live (2)',
      '## Implementation (implementation)',
      '## Open engagements (0)',
      '## Breached or at risk this period',
      '## SOW pipeline',
      '## Load per engineer',
      '## Strategic initiatives',
    ]);
    expect(markdown.endsWith('is tracked.\n')).toBe(true);
  });

  it('leaves out the dashboard link without a public URL, and keeps titles from breaking the Markdown', () => {
    const markdown = renderDigest(
      digestInput({
        dashboardUrl: null,
        all: report({
          finished: [finished(8, '2026-12-01T00:00:00.000Z', 3, 'met', { title: 'a <script> [x] | y\nz' })],
        }),
      }),
    );
    expect(markdown).toContain('\nas of 2026-12-07 08:00 UTC\n');
    expect(markdown).toContain(
      '[acme/services#8 a &lt;script&gt; \\[x\\] \\| y z](https://github.com/acme/services/issues/8)',
    );
  });
});

describe('titles and logins in tables', () => {
  /** Column breaks: pipes not escaped by a backslash (an escaped backslash before a pipe does not escape it). */
  const columns = (row: string) => row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;

  it('never add or remove a column, whatever they contain', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        (title, assignees) => {
          const row = finished(1, '2026-12-02T00:00:00.000Z', 3, 'met', { title, assignees });
          const lines = wentLive(digestInput({ all: report({ finished: [row] }) }));
          expect(lines).toHaveLength(5);
          expect(columns(lines[4]!)).toBe(columns(lines[2]!));
        },
      ),
    );
  });
});
