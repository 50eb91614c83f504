import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { recordMissingStates, stateFromHistory } from '../../../src/engine/backfill-state.js';
import { backfillVocabulary, transitionsFromHistory } from '../../../src/engine/backfill-transitions.js';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { history } from './fake-forge.js';

const vocabulary = backfillVocabulary(configSchema.parse({}));
const created = (iid: number, at: string, title = `issue ${iid}`): LabelHistoryEntry => ({
  ref: { forge: 'gitlab', project: '42', iid },
  label: '',
  action: 'created',
  at,
  actor: 'ae',
  title,
});

describe('backfill: creation, closes and reopens', () => {
  it('starts an issue opened from a template in the first stage at its creation, as the rules do', () => {
    const entries = [
      created(1, '2026-02-01T09:00:00Z'),
      ...history('gitlab', '42', [
        [1, 'add', 'type::sow-request', '2026-02-01T09:00:00Z'],
        // The bot's own label, seconds later, is no second move.
        [1, 'add', 'stage::intake', '2026-02-01T09:00:07Z'],
        [1, 'add', 'stage::discovery', '2026-02-03T09:00:00Z'],
      ]),
    ];
    expect(transitionsFromHistory(entries, vocabulary).map((t) => [t.from, t.to, t.at])).toEqual([
      [null, 'intake', '2026-02-01T09:00:00.000Z'],
      ['intake', 'discovery', '2026-02-03T09:00:00.000Z'],
    ]);
  });

  it.each<[string, LabelHistoryEntry[], string[]]>([
    ['no kind: no stage at creation', [created(2, '2026-02-01T09:00:00Z')], []],
    [
      'a stage label set in the form wins over the first stage',
      [
        created(3, '2026-02-01T09:00:00Z'),
        ...history('gitlab', '42', [
          [3, 'add', 'type::sow-request', '2026-02-01T09:00:00Z'],
          [3, 'add', 'stage::triage', '2026-02-01T09:00:00Z'],
        ]),
      ],
      ['triage'],
    ],
    [
      'closing an issue that never was on the board records nothing',
      [created(4, '2026-02-01T09:00:00Z'), ...history('gitlab', '42', [[4, 'closed', '', '2026-02-02T09:00:00Z']])],
      [],
    ],
    [
      'an initiative does not start in the stage labels’ first stage',
      [
        created(5, '2026-02-01T09:00:00Z'),
        ...history('gitlab', '42', [[5, 'add', 'type::strategic-initiative', '2026-02-01T09:00:00Z']]),
      ],
      [],
    ],
  ])('%s', (_name, entries, stages) => {
    expect(transitionsFromHistory(entries, vocabulary).map((t) => t.to)).toEqual(stages);
  });

  it('leaves the state the durations read: creation, close (reopen clears it), title, kind, segment, stage, labels', () => {
    const entries = [
      created(6, '2026-03-01 09:00:00 UTC', 'SOW: Contoso'),
      ...history('gitlab', '42', [
        [6, 'add', 'type::sow-request', '2026-03-01T09:00:00Z'],
        [6, 'add', 'segment::smb', '2026-03-01T09:00:00Z'],
        [6, 'closed', '', '2026-03-05T09:00:00Z'],
        [6, 'reopened', '', '2026-03-06T09:00:00Z'],
        [6, 'closed', '', '2026-03-08T09:00:00Z'],
      ]),
    ];
    const state = stateFromHistory(entries, transitionsFromHistory(entries, vocabulary));
    expect(state).toMatchObject({
      title: 'SOW: Contoso',
      kind: 'sow-request',
      segment: 'smb',
      stage: 'closed',
      createdAt: '2026-03-01T09:00:00.000Z',
      closedAt: '2026-03-08T09:00:00.000Z',
      labels: ['type::sow-request', 'segment::smb'],
      extra: { backfilled: true },
    });
    expect(stateFromHistory(entries.slice(1), [])).toBeNull();
  });

  it('never replaces a state the webhooks wrote', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    const entries = [created(7, '2026-03-01T09:00:00Z', 'from backfill')];
    const fromWebhooks = { ...stateFromHistory(entries, [])!, title: 'from webhooks', extra: {} };
    await store.putIssueState(fromWebhooks);
    const other = stateFromHistory([created(8, '2026-03-01T09:00:00Z', 'new')], [])!;
    expect(await recordMissingStates(store, [stateFromHistory(entries, [])!, other])).toBe(1);
    expect((await store.getIssueState(fromWebhooks.ref))?.title).toBe('from webhooks');
    expect((await store.getIssueState(other.ref))?.title).toBe('new');
    await store.close();
  });
});
