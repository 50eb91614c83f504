import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ForgeName, IssueEvent, IssueState } from '../../../src/domain/types.js';
import { normalizeGithubComment } from '../../../src/forges/github/comment.js';
import { githubIssueCommentSchema } from '../../../src/forges/github/payload.js';
import { normalizeGitlabNote } from '../../../src/forges/gitlab/note.js';
import { gitlabNoteHookSchema } from '../../../src/forges/gitlab/payload.js';
import { readPersonActivity } from '../../../src/domain/issue-memory.js';
import { SLA_MARKER, SUGGEST_LOST_MARKER } from '../../../src/policies/defaults.js';
import { decide } from '../../../src/rules/index.js';
import { githubIssueComment, gitlabIssueNote } from '../../support/comment-payloads.js';
import { body } from './payloads.js';
import { config, github, Scenario } from './scenario.js';
import { World } from './world.js';

const CONFIG = config();
const REPORT_MARKER = CONFIG.labels.commentMarker;
const NO_BOTS: ReadonlySet<string> = new Set();
const SOW = body('github-sow-request');
const FORM_LABELS = ['type::sow-request', 'stage::intake'];

/** A comment on `state`'s issue as the forge's webhook brings it, through the forge's own normaliser. */
function comment(
  forge: ForgeName,
  state: IssueState,
  o: { author: string; bot?: boolean; text: string; at: string; edited?: boolean },
): IssueEvent {
  const event =
    forge === 'github'
      ? normalizeGithubComment(
          'c',
          githubIssueCommentSchema.parse(
            githubIssueComment({
              author: o.author,
              bot: o.bot,
              body: o.text,
              at: o.at,
              action: o.edited ? 'edited' : 'created',
            }),
          ),
          NO_BOTS,
        )
      : normalizeGitlabNote(
          'c',
          gitlabNoteHookSchema.parse(
            gitlabIssueNote({ author: o.author, body: o.text, at: o.at, action: o.edited ? 'update' : 'create' }),
          ),
          NO_BOTS,
        );
  if ('ignored' in event) throw new Error(event.ignored);
  return { ...event, issue: state.ref, labelsBefore: state.labels, labelsAfter: state.labels };
}

/** The issue after it was opened from the template and a person last touched it on 2026-01-05. */
function tracked(): IssueState {
  const run = new Scenario(CONFIG);
  run.send({
    ...github('opened', FORM_LABELS, { body: SOW, actor: 'ae-jane' }),
    occurredAt: '2026-01-05T09:00:00.000Z',
  });
  return run.state!;
}

const withoutActivity = (state: IssueState) => ({ ...state, extra: { ...state.extra, activity: undefined } });

describe('a comment on an issue', () => {
  const prior = tracked();
  const at = '2026-03-01T12:00:00.000Z';
  const unchanged = readPersonActivity(prior.extra)!;

  it.each<[string, ForgeName, { author: string; bot?: boolean; text: string; edited?: boolean }, string]>([
    ["a person's comment (GitHub)", 'github', { author: 'ie-alex', text: 'Call with the customer went well.' }, at],
    ["a person's comment (GitLab)", 'gitlab', { author: 'ie-alex', text: 'Call with the customer went well.' }, at],
    [
      "a person's edit of their comment",
      'github',
      { author: 'ie-alex', text: 'Call moved to Friday.', edited: true },
      at,
    ],
    [
      "a person quoting the bot's words, without its marker",
      'gitlab',
      { author: 'ie-alex', text: '> Implementation at risk\nOn it.' },
      at,
    ],
    [
      "the bot's account (GitHub App)",
      'github',
      { author: 'boardkeeper[bot]', bot: true, text: 'any text' },
      unchanged,
    ],
    [
      "the bot's account (GitLab project token)",
      'gitlab',
      { author: 'project_5_bot_3f2a', text: 'any text' },
      unchanged,
    ],
    [
      "the rules' report comment, posted by an account not known as the bot",
      'github',
      { author: 'svc-board', text: `${REPORT_MARKER}\n**Missing**` },
      unchanged,
    ],
    [
      "the sweep's SLA comment, posted by an account not known as the bot",
      'gitlab',
      { author: 'svc-board', text: `${SLA_MARKER}\nat risk` },
      unchanged,
    ],
    [
      "the sweep's suggest-lost comment, edited by that account",
      'github',
      { author: 'svc-board', text: `${SUGGEST_LOST_MARKER}\nidle`, edited: true },
      unchanged,
    ],
  ])('%s: no action, no transition, the state unchanged but for the activity (%s)', (_name, forge, o, activity) => {
    const decision = decide(comment(forge, prior, { ...o, at }), prior, CONFIG);
    expect(decision.actions).toEqual([]);
    expect(decision.transitions).toEqual([]);
    expect(readPersonActivity(decision.state.extra)).toBe(activity);
    expect(withoutActivity(decision.state)).toEqual(withoutActivity(prior));
  });
});

describe('comments never move an issue', () => {
  const step = fc.oneof(
    fc
      .constantFrom(
        'stage::triage',
        'stage::discovery',
        'stage::deployment',
        'on-hold',
        'status::blocked',
        'needs-info',
      )
      .map((label) => ({ kind: 'add' as const, label })),
    fc.nat(10).map((index) => ({ kind: 'remove' as const, index })),
    fc.constantFrom({ kind: 'close' as const }, { kind: 'reopen' as const }),
  );
  const text = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom(REPORT_MARKER, SLA_MARKER, SUGGEST_LOST_MARKER).map((marker) => `${marker}\nbot text`),
  );
  const instant = fc
    .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') })
    .map((ms) => new Date(ms).toISOString());

  it('whatever the history, forge, author, text and time: no transition, no action, the stage and labels stay, activity only for a person', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ForgeName>('github', 'gitlab'),
        fc.array(step, { maxLength: 8 }),
        fc.boolean(),
        text,
        instant,
        fc.boolean(),
        (forge, steps, byBot, words, at, edited) => {
          const world = new World(forge, CONFIG, SOW, FORM_LABELS);
          world.open();
          for (const s of steps) world.human(s);
          const prior = world.issueState!;
          const author = byBot ? (forge === 'github' ? 'boardkeeper[bot]' : 'project_5_bot_3f2a') : 'ie-alex';
          const decision = decide(
            comment(forge, prior, { author, bot: byBot, text: words, at, edited }),
            prior,
            CONFIG,
          );
          expect(decision.transitions).toEqual([]);
          expect(decision.actions).toEqual([]);
          expect(decision.state.stage).toBe(prior.stage);
          expect(withoutActivity(decision.state)).toEqual(withoutActivity(prior));
          const person =
            !byBot && ![REPORT_MARKER, SLA_MARKER, SUGGEST_LOST_MARKER].some((marker) => words.includes(marker));
          expect(readPersonActivity(decision.state.extra)).toBe(person ? at : readPersonActivity(prior.extra));
        },
      ),
      { numRuns: 100 },
    );
  });
});
