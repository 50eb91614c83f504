import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isBackfilled,
  readField,
  readIssueMemory,
  readPersonActivity,
  readRulesMemory,
  updateIssueMemory,
  type IssueMemory,
} from '../../../src/domain/issue-memory.js';

const EMPTY: IssueMemory = {
  rules: {
    template: null,
    derived: [],
    pendingRemove: [],
    boardStage: null,
    criteriaComplete: false,
    outcome: null,
    author: null,
  },
  activity: { personAt: null },
  fields: {},
  webUrl: null,
  backfilled: false,
  effort: { spentSeconds: null, estimateSeconds: null },
};

describe('readIssueMemory', () => {
  it.each([
    ['nothing stored', {}, EMPTY],
    ['a state backfill wrote', { backfilled: true }, { ...EMPTY, backfilled: true }],
    [
      'what the pipeline and rules write',
      {
        rules: {
          template: 'sow-request',
          derived: ['segment::enterprise'],
          pendingRemove: [],
          boardStage: 'Intake',
          criteriaComplete: true,
          outcome: null,
          author: 'ae',
        },
        activity: { personAt: '2026-03-01T10:00:00Z' },
        fields: { go_live_date: '2026-04-01' },
        webUrl: 'https://gitlab.example.com/g/p/-/issues/7',
        effort: { spentSeconds: 7200, estimateSeconds: null },
      },
      {
        rules: {
          template: 'sow-request',
          derived: ['segment::enterprise'],
          pendingRemove: [],
          boardStage: 'Intake',
          criteriaComplete: true,
          outcome: null,
          author: 'ae',
        },
        activity: { personAt: '2026-03-01T10:00:00Z' },
        fields: { go_live_date: '2026-04-01' },
        webUrl: 'https://gitlab.example.com/g/p/-/issues/7',
        backfilled: false,
        effort: { spentSeconds: 7200, estimateSeconds: null },
      },
    ],
    [
      'rules memory from before `author` and `pendingRemove` were kept',
      { rules: { template: 'sow-request', derived: ['a'], boardStage: null, criteriaComplete: true, outcome: 'won' } },
      {
        ...EMPTY,
        rules: { ...EMPTY.rules, template: 'sow-request', derived: ['a'], criteriaComplete: true, outcome: 'won' },
      },
    ],
    [
      'values of the wrong shape read as their defaults, key by key',
      {
        rules: {
          template: 7,
          derived: 'a',
          pendingRemove: [1],
          boardStage: 'Done',
          criteriaComplete: 'yes',
          outcome: null,
          author: 'ae',
        },
        activity: '2026-03-01',
        fields: { go_live_date: '2026-04-01', seats: 40, nested: { a: 1 } },
        webUrl: 42,
        backfilled: 'true',
        effort: { spentSeconds: -5, estimateSeconds: 'an hour' },
      },
      { ...EMPTY, rules: { ...EMPTY.rules, boardStage: 'Done', author: 'ae' }, fields: { go_live_date: '2026-04-01' } },
    ],
    ['whole keys of the wrong type', { rules: 'x', activity: null, fields: ['2026-01-01'] }, EMPTY],
  ])('%s', (_what, extra, expected) => {
    expect(readIssueMemory(extra)).toEqual(expected);
  });

  it('the single-key readers agree with the whole read', () => {
    const extra = {
      activity: { personAt: '2026-03-01T10:00:00Z' },
      fields: { go_live_date: '2026-04-01', seats: 3 },
      backfilled: true,
    };
    expect(readPersonActivity(extra)).toBe('2026-03-01T10:00:00Z');
    expect(readField(extra, 'go_live_date')).toBe('2026-04-01');
    expect(readField(extra, 'seats')).toBeUndefined();
    expect(isBackfilled(extra)).toBe(true);
    expect(readRulesMemory(extra)).toEqual(EMPTY.rules);
  });
});

const memory: fc.Arbitrary<IssueMemory> = fc.record({
  rules: fc.record({
    template: fc.option(fc.string(), { nil: null }),
    derived: fc.array(fc.string()),
    pendingRemove: fc.array(fc.string()),
    boardStage: fc.option(fc.string(), { nil: null }),
    criteriaComplete: fc.boolean(),
    outcome: fc.option(fc.string(), { nil: null }),
    author: fc.option(fc.string(), { nil: null }),
  }),
  activity: fc.record({ personAt: fc.option(fc.string(), { nil: null }) }),
  fields: fc.dictionary(
    fc.string().filter((key) => key !== '__proto__'),
    fc.string(),
  ),
  webUrl: fc.option(fc.webUrl(), { nil: null }),
  backfilled: fc.boolean(),
  effort: fc.record({
    spentSeconds: fc.option(fc.nat(), { nil: null }),
    estimateSeconds: fc.option(fc.nat(), { nil: null }),
  }),
});

describe('updateIssueMemory', () => {
  it('reads back what it wrote, over anything stored before, and keeps keys it does not own', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((key) => key !== '__proto__'),
          fc.jsonValue(),
        ),
        memory,
        (stored, written) => {
          const extra = updateIssueMemory(stored, written);
          expect(readIssueMemory(extra)).toEqual(written);
          for (const key of Object.keys(stored)) if (!(key in EMPTY)) expect(extra[key]).toEqual(stored[key]);
        },
      ),
    );
  });

  it('changes only the keys given, and never the extra it was given', () => {
    const stored = {
      rules: { template: 'sow-request' },
      activity: { personAt: '2026-01-01T00:00:00Z' },
      projectItem: 'PVTI_1',
    };
    const before = structuredClone(stored);
    const updated = updateIssueMemory(stored, { activity: { personAt: '2026-02-01T00:00:00Z' }, fields: undefined });
    expect(updated).toEqual({
      rules: { template: 'sow-request' },
      activity: { personAt: '2026-02-01T00:00:00Z' },
      projectItem: 'PVTI_1',
    });
    expect(stored).toEqual(before);
  });
});
