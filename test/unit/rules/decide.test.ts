import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/rules/index.js';
import { body, gitlab } from './payloads.js';
import { BOT, commentOf, config, configYaml, github, labelsOf, Scenario } from './scenario.js';

const SOW_GH = body('github-sow-request');
const SOW_GL = body('gitlab-sow-request');
const INVALID_GL = SOW_GL.replace('Globex Corporation', '').replace(
  '- [x] Migration (self-hosted)',
  '- [ ] Migration (self-hosted)',
);
const FORM_LABELS = ['type::sow-request', 'stage::intake'];

describe('opened from a template', () => {
  it('GitHub form with its labels: records intake once, adds derived labels, mirrors the board', () => {
    const run = new Scenario(config());
    const { actions, transitions } = run.send(github('opened', FORM_LABELS, { body: SOW_GH }));
    expect(transitions).toMatchObject([
      {
        from: null,
        to: 'intake',
        source: 'webhook',
        kind: 'sow-request',
        segment: 'enterprise',
        at: '2019-05-15T15:20:18.000Z',
      },
    ]);
    expect(labelsOf(actions)).toEqual({ add: ['segment::enterprise', 'review::ta-needed'], remove: [] });
    expect(actions).toContainEqual(expect.objectContaining({ type: 'board-status', stage: 'intake' }));
    expect(commentOf(actions)).toBeNull();
  });

  it('GitHub issue without the form labels: the rules add type and stage', () => {
    const { actions, transitions } = new Scenario(config()).send(github('opened', [], { body: SOW_GH }));
    expect(labelsOf(actions)?.add).toEqual([
      'stage::intake',
      'type::sow-request',
      'segment::enterprise',
      'review::ta-needed',
    ]);
    expect(transitions).toMatchObject([{ from: null, to: 'intake', source: 'rule' }]);
  });

  it('GitLab template with an invalid body: needs-info and one comment listing every problem', () => {
    const event = gitlab({ action: 'open', previousLabels: [], labels: FORM_LABELS }, { body: INVALID_GL });
    const { actions, transitions } = new Scenario(config()).send(event);
    expect(transitions).toMatchObject([
      { from: null, to: 'intake', source: 'webhook', actor: 'root', forge: 'gitlab', project: '1', iid: 23 },
    ]);
    expect(labelsOf(actions)?.add).toEqual(['segment::mm', 'needs-info']);
    const comment = commentOf(actions)!;
    expect(comment.startsWith('<!-- boardkeeper:report -->')).toBe(true);
    expect(comment).toContain('- **Customer name** is required');
    expect(comment).toContain('- **Request type** is required');
    expect(actions.filter((a) => a.type === 'comment')).toHaveLength(1);
    expect(actions.some((a) => a.type === 'board-status')).toBe(false);
  });

  it('an issue that follows no template is left alone', () => {
    const payloadShaped = github('opened', ['bug']);
    expect(decide(payloadShaped, null, config())).toMatchObject({ actions: [], transitions: [] });
  });
});

describe('validation feedback', () => {
  it('after the author fixes the body: needs-info goes, the same comment says all is well, then silence', () => {
    const run = new Scenario(config());
    run.send(gitlab({ action: 'open', previousLabels: [], labels: FORM_LABELS }, { body: INVALID_GL }));
    const labelled = [...FORM_LABELS, 'segment::mm', 'needs-info'];
    const fixed = gitlab({ action: 'update', labels: labelled }, { body: SOW_GL });
    const { actions } = run.send(fixed);
    expect(labelsOf(actions)).toEqual({ add: [], remove: ['needs-info'] });
    expect(commentOf(actions)).toContain('All required information is present.');
    const after = [...FORM_LABELS, 'segment::mm'];
    expect(
      run.send(gitlab({ action: 'update', previousLabels: labelled, labels: after }, { body: SOW_GL, ...BOT })).actions,
    ).toEqual([]);
  });

  it('an unchanged report is not written again, a changed one is', () => {
    const run = new Scenario(config());
    const open = gitlab(
      { action: 'open', previousLabels: [], labels: [...FORM_LABELS, 'segment::mm', 'needs-info'] },
      { body: INVALID_GL },
    );
    expect(commentOf(run.send(open).actions)).not.toBeNull();
    expect(run.send(open).actions).toEqual([]);
    const worse = open.body.replace('ae@globex-sales.example.com', 'nobody');
    expect(commentOf(run.send({ ...open, body: worse }).actions)).toContain(
      '**Account executive** must be a @handle or an e-mail address',
    );
  });

  it('warns without needs-info when only warnings remain', () => {
    const body = SOW_GH.replace('https://docs.example.com/design/zurich', '_No response_');
    const { actions } = new Scenario(config()).send(github('opened', FORM_LABELS, { body }));
    expect(labelsOf(actions)?.add).not.toContain('needs-info');
    expect(commentOf(actions)).toContain('**Technical design URL** is missing');
  });

  it('a needs-info a person removed is not added back while the body is still invalid', () => {
    const run = new Scenario(config());
    run.send(github('opened', FORM_LABELS, { body: INVALID_GL }));
    const labels = [...FORM_LABELS, 'segment::mm'];
    expect(run.send(github('unlabeled', labels, { body: INVALID_GL, label: 'needs-info' })).actions).toEqual([]);
    expect(labelsOf(run.send(github('edited', labels, { body: `${INVALID_GL}\nmore` })).actions)).toBeNull();
  });
});

describe('one stage label at a time (GitHub has no scoped labels)', () => {
  function triaged() {
    const run = new Scenario(config());
    run.send(github('opened', [...FORM_LABELS, 'segment::enterprise', 'review::ta-needed'], { body: SOW_GH }));
    return run;
  }
  const rest = ['type::sow-request', 'segment::enterprise', 'review::ta-needed'];

  it('removes the older stage label and records exactly one transition', () => {
    const run = triaged();
    const { actions, transitions } = run.send(
      github('labeled', [...rest, 'stage::intake', 'stage::triage'], {
        body: SOW_GH,
        label: 'stage::triage',
        actor: 'ie-sam',
      }),
    );
    expect(labelsOf(actions)).toEqual({ add: [], remove: ['stage::intake'] });
    expect(transitions).toMatchObject([{ from: 'intake', to: 'triage', actor: 'ie-sam', source: 'webhook' }]);
    expect(actions).toContainEqual(expect.objectContaining({ type: 'board-status', stage: 'triage' }));
    const echo = run.send(
      github('unlabeled', [...rest, 'stage::triage'], { body: SOW_GH, label: 'stage::intake', ...BOT }),
    );
    expect(echo).toEqual({ actions: [], transitions: [] });
    expect(run.transitions.map((t) => t.to)).toEqual(['intake', 'triage']);
  });

  it('a stage label a person removed is not put back', () => {
    const run = triaged();
    expect(run.send(github('unlabeled', rest, { body: SOW_GH, label: 'stage::intake' }))).toEqual({
      actions: [],
      transitions: [],
    });
  });

  it('close moves to closed, reopen goes back to the stage before', () => {
    const run = triaged();
    run.send(github('labeled', [...rest, 'stage::intake', 'stage::triage'], { body: SOW_GH, label: 'stage::triage' }));
    run.send(github('unlabeled', [...rest, 'stage::triage'], { body: SOW_GH, label: 'stage::intake', ...BOT }));
    const closed = run.send(github('closed', [...rest, 'stage::triage'], { body: SOW_GH }));
    expect(labelsOf(closed.actions)).toEqual({ add: ['stage::closed'], remove: ['stage::triage'] });
    expect(closed.transitions).toMatchObject([{ from: 'triage', to: 'closed', source: 'rule' }]);
    // GitHub reports our add and our remove as two deliveries; neither asks for anything again.
    expect(
      run.send(
        github('labeled', [...rest, 'stage::triage', 'stage::closed'], {
          body: SOW_GH,
          label: 'stage::closed',
          ...BOT,
        }),
      ).actions,
    ).toEqual([]);
    expect(
      run.send(github('unlabeled', [...rest, 'stage::closed'], { body: SOW_GH, label: 'stage::triage', ...BOT }))
        .actions,
    ).toEqual([]);
    const reopened = run.send(github('reopened', [...rest, 'stage::closed'], { body: SOW_GH }));
    expect(labelsOf(reopened.actions)).toEqual({ add: ['stage::triage'], remove: ['stage::closed'] });
    expect(reopened.transitions).toMatchObject([{ from: 'closed', to: 'triage' }]);
  });

  it('on-hold remembers where it came from and returns there when removed', () => {
    const run = triaged();
    run.send(
      github('labeled', [...rest, 'stage::intake', 'stage::on-hold'], { body: SOW_GH, label: 'stage::on-hold' }),
    );
    run.send(github('unlabeled', [...rest, 'stage::on-hold'], { body: SOW_GH, label: 'stage::intake', ...BOT }));
    expect(run.state?.stageBeforeHold).toBe('intake');
    const resumed = run.send(github('unlabeled', rest, { body: SOW_GH, label: 'stage::on-hold' }));
    expect(labelsOf(resumed.actions)).toEqual({ add: ['stage::intake'], remove: [] });
    expect(resumed.transitions).toMatchObject([{ from: 'on-hold', to: 'intake', source: 'rule' }]);
  });
});

describe('GitHub board status', () => {
  const labels = ['type::sow-request', 'stage::intake', 'segment::enterprise', 'review::ta-needed'];
  /** As the engine completes a projects_v2_item event: labels from the stored state, no description. */
  function boardMove(to: string, actor = 'manager-mo') {
    const event = github('edited', labels, { body: '', actor });
    return {
      ...event,
      action: 'board_status_changed' as const,
      boardStatus: { projectNodeId: 'P', itemNodeId: 'I', from: 'Intake', to },
    };
  }

  it('a person moving the card moves the stage label, without echoing to the board', () => {
    const run = new Scenario(config());
    run.send(github('opened', labels, { body: SOW_GH }));
    const { actions, transitions } = run.send(boardMove('SOW Review'));
    expect(labelsOf(actions)).toEqual({ add: ['stage::sow-review'], remove: ['stage::intake'] });
    expect(actions.some((a) => a.type === 'board-status')).toBe(false);
    expect(transitions).toMatchObject([{ from: 'intake', to: 'sow-review', actor: 'manager-mo', source: 'webhook' }]);
  });

  // Found by the demo's burst benchmark: a person's later move raced the echoes of the bot's mirror.
  it('a late echo of its own board mirror does not move the stage back', () => {
    const run = new Scenario(config());
    run.send(github('opened', labels, { body: SOW_GH }));
    run.send(github('labeled', [...labels, 'stage::sow-review'], { body: SOW_GH, label: 'stage::sow-review' }));
    const stored = run.state!.labels;
    const echo = {
      ...boardMove('Intake', BOT.actor),
      labelsBefore: stored,
      labelsAfter: stored,
      actor: { login: BOT.actor, isBot: true },
    };
    expect(run.send(echo)).toEqual({ actions: [], transitions: [] });
    expect(run.state?.stage).toBe('sow-review');
  });

  it('a late echo of its own label add does not win over a person who moved on', () => {
    const run = new Scenario(config());
    run.send(github('opened', labels, { body: SOW_GH }));
    const rest = labels.filter((l) => l !== 'stage::intake');
    run.send(github('labeled', [...rest, 'stage::closed'], { body: SOW_GH, label: 'stage::closed' }));
    const echo = run.send(
      github('labeled', [...rest, 'stage::closed', 'stage::discovery'], {
        body: SOW_GH,
        label: 'stage::discovery',
        ...BOT,
      }),
    );
    expect(labelsOf(echo.actions)).toEqual({ add: [], remove: ['stage::discovery'] });
    expect(echo.transitions).toEqual([]);
    expect(run.state?.stage).toBe('closed');
  });

  it('a late echo of its own label removal, carrying the labels of that moment, does not move the stage back', () => {
    const run = new Scenario(config());
    const rest = labels.filter((l) => l !== 'stage::intake');
    run.send(github('opened', labels, { body: SOW_GH }));
    run.send(github('labeled', [...labels, 'stage::triage'], { body: SOW_GH, label: 'stage::triage' }));
    run.send(github('closed', [...labels, 'stage::triage'], { body: SOW_GH }));
    expect(run.state?.stage).toBe('closed');
    const echo = run.send(
      github('unlabeled', [...rest, 'stage::triage'], { body: SOW_GH, label: 'stage::intake', ...BOT }),
    );
    expect(echo.transitions).toEqual([]);
    expect(labelsOf(echo.actions)?.remove ?? []).not.toContain('stage::closed');
    expect(run.state?.stage).toBe('closed');
  });

  it.each(['Todo', 'Intake'])('an unknown column or the current stage changes nothing (%s)', (column) => {
    const run = new Scenario(config());
    run.send(github('opened', labels, { body: SOW_GH }));
    expect(run.send(boardMove(column))).toEqual({ actions: [], transitions: [] });
  });
});

describe('gitlab-ps preset: the real PS labels as aliases', () => {
  const gitlabPs = config({ preset: 'gitlab-ps' });

  it('writes the team spelling and reads proposal:: labels as stages', () => {
    const run = new Scenario(gitlabPs);
    const opened = run.send(gitlab({ action: 'open', previousLabels: [], labels: [] }, { body: SOW_GL }));
    expect(labelsOf(opened.actions)?.add).toEqual(['Open', 'type::sow-request', 'segment::mm']);
    const now = ['Open', 'type::sow-request', 'segment::mm'];
    const scoping = run.send(
      gitlab({ action: 'update', previousLabels: now, labels: [...now, 'proposal::Scoping'] }, { body: SOW_GL }),
    );
    expect(labelsOf(scoping.actions)).toEqual({ add: [], remove: ['Open'] });
    expect(scoping.transitions).toMatchObject([{ from: 'intake', to: 'discovery' }]);
  });

  it('accepts both spellings of Ready For Approval', () => {
    const run = new Scenario(gitlabPs);
    const base = ['type::sow-request', 'proposal::Scoping'];
    run.send(gitlab({ action: 'update', previousLabels: [], labels: base }, { body: SOW_GL }));
    const moved = run.send(
      gitlab(
        { action: 'update', previousLabels: base, labels: ['type::sow-request', 'proposal::ReadyForApproval'] },
        { body: SOW_GL },
      ),
    );
    expect(moved.transitions).toMatchObject([{ from: 'discovery', to: 'sow-review' }]);
  });

  it('Closed_Won moves the SOW to signed (preset rule)', () => {
    const run = new Scenario(gitlabPs);
    const base = ['type::sow-request', 'proposal::Approved', 'segment::mm'];
    run.send(gitlab({ action: 'update', previousLabels: [], labels: base }, { body: SOW_GL }));
    const won = run.send(
      gitlab({ action: 'update', previousLabels: base, labels: [...base, 'proposal::Closed_Won'] }, { body: SOW_GL }),
    );
    expect(labelsOf(won.actions)).toEqual({ add: ['stage::sow-signed'], remove: ['proposal::Approved'] });
    expect(won.transitions).toMatchObject([
      { from: 'sow-approved', to: 'sow-signed', source: 'rule' },
      { from: null, to: '+outcome::won' },
    ]);
  });
});

describe('configured movement rules (YAML)', () => {
  const yaml = `
rules:
  - name: Discovery call booked
    when: { labelAdded: "call::booked" }
    moveTo: discovery
  - name: Lost deals close out
    when: { closed: true }
    moveTo: stage::ta-handoff
    kinds: [implementation]
`;

  it('when label X is added, moves to stage Y once; a person moving back is respected', () => {
    const run = new Scenario(configYaml(yaml));
    const base = [...FORM_LABELS];
    run.send(gitlab({ action: 'open', previousLabels: [], labels: base }, { body: SOW_GL }));
    const booked = run.send(
      gitlab({ action: 'update', previousLabels: base, labels: [...base, 'call::booked'] }, { body: SOW_GL }),
    );
    expect(booked.transitions).toMatchObject([{ from: 'intake', to: 'discovery', source: 'rule' }]);
    const after = ['type::sow-request', 'call::booked', 'stage::discovery', 'segment::mm'];
    const back = ['type::sow-request', 'call::booked', 'stage::intake', 'segment::mm'];
    const human = run.send(gitlab({ action: 'update', previousLabels: after, labels: back }, { body: SOW_GL }));
    expect(human).toMatchObject({ actions: [], transitions: [{ from: 'discovery', to: 'intake', source: 'webhook' }] });
  });

  it('a close rule limited to a kind overrides the closed stage for that kind only', () => {
    const run = new Scenario(configYaml(yaml));
    const labels = ['type::implementation', 'stage::configuration'];
    run.send(gitlab({ action: 'update', previousLabels: [], labels: labels }));
    const closed = run.send(gitlab({ action: 'close', labels }));
    expect(closed.transitions).toMatchObject([{ from: 'configuration', to: 'ta-handoff', kind: 'implementation' }]);
  });
});

describe('strategic initiatives', () => {
  const INITIATIVE = body('github-strategic-initiative');
  const labels = ['type::strategic-initiative', 'initiative::proposed'];

  it('reports progress, and moves to done when every exit criterion is checked', () => {
    const run = new Scenario(config());
    const opened = run.send(github('opened', labels, { body: INITIATIVE }));
    expect(opened.transitions).toMatchObject([{ from: null, to: 'proposed', kind: 'strategic-initiative' }]);
    expect(commentOf(opened.actions)).toContain('**Progress:** 2 / 3 exit criteria done (67%).');
    const all = INITIATIVE.replace('- [ ] First cohort certified', '- [x] First cohort certified');
    const done = run.send(github('edited', labels, { body: all }));
    expect(labelsOf(done.actions)).toEqual({ add: ['initiative::done'], remove: ['initiative::proposed'] });
    expect(commentOf(done.actions)).toContain('3 / 3 exit criteria done (100%)');
    const moveBack = run.send(
      github('labeled', ['type::strategic-initiative', 'initiative::done', 'initiative::in-progress'], {
        body: all,
        label: 'initiative::in-progress',
      }),
    );
    expect(moveBack.transitions).toMatchObject([{ from: 'done', to: 'in-progress' }]);
    expect(labelsOf(moveBack.actions)).toEqual({ add: [], remove: ['initiative::done'] });
    expect(
      run.send(github('edited', ['type::strategic-initiative', 'initiative::in-progress'], { body: `${all}\n` }))
        .actions,
    ).toEqual([]);
  });
});

describe('kinds and inert events', () => {
  it('a SOW continuing as an implementation drops the sow-request type the rules added', () => {
    const run = new Scenario(config());
    run.send(github('opened', FORM_LABELS, { body: SOW_GH }));
    const labels = [...FORM_LABELS, 'segment::enterprise', 'review::ta-needed', 'type::implementation'];
    const { actions } = run.send(github('labeled', labels, { body: SOW_GH, label: 'type::implementation' }));
    expect(labelsOf(actions)).toEqual({ add: [], remove: ['type::sow-request'] });
    expect(run.state?.kind).toBe('implementation');
  });

  it('a deleted issue changes nothing', () => {
    const event = { ...github('opened', FORM_LABELS, { body: SOW_GH }), action: 'deleted' as const };
    expect(decide(event, null, config())).toMatchObject({ actions: [], transitions: [] });
  });
});

describe('the default requester on GitLab', () => {
  it('is the person who opened the issue, remembered for later edits', () => {
    const noRequester = SOW_GL.replace('@am-rita\n', '');
    const run = new Scenario(config());
    const opened = run.send(
      gitlab({ action: 'open', previousLabels: [], labels: FORM_LABELS, username: 'ae-rita' }, { body: noRequester }),
    );
    expect(commentOf(opened.actions)).toBeNull();
    const edited = run.send(
      gitlab(
        { action: 'update', labels: [...FORM_LABELS, 'segment::mm'], username: 'ie-sam' },
        { body: `${noRequester}\n` },
      ),
    );
    expect(edited.actions).toEqual([]);
  });
});

describe('what durations need from the rules', () => {
  it('records status::blocked coming and going once each, not again on the echo', () => {
    const run = new Scenario(config());
    run.send(gitlab({ action: 'open', previousLabels: [], labels: FORM_LABELS }, { body: SOW_GL }));
    const blocked = [...FORM_LABELS, 'segment::mm', 'status::blocked'];
    const added = run.send(
      gitlab(
        {
          action: 'update',
          previousLabels: [...FORM_LABELS, 'segment::mm'],
          labels: blocked,
          updatedAt: '2024-02-01T00:00:00Z',
        },
        { body: SOW_GL },
      ),
    );
    expect(added.transitions).toMatchObject([{ from: null, to: '+status::blocked', at: '2024-02-01T00:00:00.000Z' }]);
    expect(
      run.send(gitlab({ action: 'update', labels: blocked, updatedAt: '2024-02-02T00:00:00Z' }, { body: SOW_GL }))
        .transitions,
    ).toEqual([]);
    const removed = run.send(
      gitlab(
        {
          action: 'update',
          previousLabels: blocked,
          labels: [...FORM_LABELS, 'segment::mm'],
          updatedAt: '2024-02-05T00:00:00Z',
        },
        { body: SOW_GL },
      ),
    );
    expect(removed.transitions).toMatchObject([{ to: '-status::blocked', at: '2024-02-05T00:00:00.000Z' }]);
  });

  it('keeps the template fields metrics read as overrides', () => {
    const withDates = `${SOW_GL}\n### Production live\n\n2024-03-04\n`;
    const { state } = decide(
      gitlab({ action: 'open', previousLabels: [], labels: FORM_LABELS }, { body: withDates }),
      null,
      config(),
    );
    expect((state.extra as { fields: Record<string, string> }).fields).toMatchObject({
      customer_name: 'Globex Corporation',
      implementation_end: '2024-03-04',
    });
  });
});
