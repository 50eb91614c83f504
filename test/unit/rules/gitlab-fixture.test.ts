import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/rules/index.js';
import { fromGitlabHook } from './payloads.js';
import { config } from './scenario.js';

function hook(name: string) {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gitlab/${name}.json`, import.meta.url), 'utf8'));
}

describe('GitLab end-to-end fixtures: the actions a dry run must plan', () => {
  it('a complete SOW request: only the segment label', () => {
    const decision = decide(fromGitlabHook(hook('issue-open-sow-request')), null, config());
    expect(decision.actions).toEqual([
      { type: 'labels', add: ['segment::mm'], remove: [], reason: 'from the template fields' },
    ]);
    expect(decision.transitions).toMatchObject([
      { from: null, to: 'intake', kind: 'sow-request', segment: 'mm', source: 'webhook' },
    ]);
  });

  it('an incomplete SOW request: needs-info and one comment naming both problems', () => {
    const { actions } = decide(fromGitlabHook(hook('issue-open-sow-request-incomplete')), null, config());
    expect(actions.map((a) => a.type)).toEqual(['labels', 'comment']);
    expect(actions[0]).toMatchObject({ add: ['segment::mm', 'needs-info'], remove: [] });
    expect(actions[1]).toMatchObject({ marker: '<!-- boardkeeper:report -->' });
    const body = actions[1]?.type === 'comment' ? actions[1].body : '';
    expect(body).toContain('**Please fix these 2**');
    expect(body).toContain('- **Customer name** is required');
    expect(body).toContain('- **Opportunity URL** must be a link (https://…)');
  });
});
