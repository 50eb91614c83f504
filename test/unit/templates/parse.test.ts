import { describe, expect, it } from 'vitest';
import { parseBody } from '../../../src/templates/parse.js';
import { analyse, fixtureBody, withAnswer } from './helpers.js';

const github = fixtureBody('github-sow-request');
const gitlab = fixtureBody('gitlab-sow-request');

describe('recognition', () => {
  it.each([
    ['hidden marker', gitlab, [], 'marker'],
    ['GitHub form label', '### Something else\n\ntext', ['type::sow-request'], 'label'],
    ['field headings', github, [], 'headings'],
    ['marker with odd spacing and case', '<!--template:Strategic-Initiative   -->\nfree text', [], 'marker'],
  ])('by %s', (_name, body, labels, by) => {
    expect(analyse(body, labels).recognition?.by).toBe(by);
  });

  it('survives the marker being deleted when the headings remain', () => {
    const edited = gitlab.replace('<!-- template: sow-request -->', '');
    expect(analyse(edited).recognition).toEqual({ template: 'sow-request', by: 'headings' });
  });

  it('falls back to the remembered template when the body lost every trace', () => {
    const result = analyse('I deleted everything, sorry', [], 'sow-request');
    expect(result.recognition).toBeNull();
    expect(result.validation?.template).toBe('sow-request');
    expect(result.validation?.errors.map((e) => e.field)).toContain('customer_name');
  });

  it.each([
    ['an unrelated bug report', '### Steps to reproduce\n\n1. click\n\n### Expected\n\nno crash'],
    ['two SOW headings only', '### Customer name\n\nAcme\n\n### Segment\n\nSMB'],
    ['an unknown marker', '<!-- template: bug-report -->\n### Customer name\nAcme'],
  ])('does not recognise %s', (_name, body) => {
    expect(analyse(body).recognition).toBeNull();
  });
});

describe('parsing GitHub form bodies', () => {
  it('reads every answer of a rendered submission', () => {
    const { values, errors } = analyse(github).validation!;
    expect(errors).toEqual([]);
    expect(values).toMatchObject({
      customer_name: 'Zürich Rückversicherung AG',
      requester: '@octo-author',
      services_requested: ['implementation', 'migration', 'training'],
      deployment_type: ['kubernetes-helm'],
      expected_users: 1200,
      code_hosts: ['github', 'bitbucket'],
      air_gapped: false,
      high_availability: true,
      estimated_value_usd: 75_000,
    });
    expect(values).not.toHaveProperty('expected_repos');
  });

  it('reads the same answers from a CRLF body with extra blank lines and trailing spaces', () => {
    const messy = github.replace(/\n/g, '  \r\n\r\n');
    expect(analyse(messy).validation?.values).toEqual(analyse(github).validation?.values);
  });

  it('ignores HTML comments and text after a non-field heading', () => {
    const body = `${withAnswer(github, 'Customer name', '<!-- the legal name -->\nInitech <!-- inline --> GmbH')}\n\n## Notes from the call\n\nnot an answer`;
    const { values } = analyse(body).validation!;
    expect(values['customer_name']).toBe('Initech  GmbH');
    expect(values['additional_info']).toBe('Customer wants SSO on day one.');
  });

  it('keeps deeper sub-headings inside a long answer', () => {
    const body = withAnswer(github, 'Additional information', 'Intro\n\n#### Risks\n\nLegacy LDAP');
    expect(analyse(body).validation?.values['additional_info']).toBe('Intro\n\n#### Risks\n\nLegacy LDAP');
  });

  it('accepts headings written with emphasis, (required) and a colon', () => {
    const body = github.replace('### Customer name', '## **Customer Name** (required):');
    expect(analyse(body).validation?.values['customer_name']).toBe('Zürich Rückversicherung AG');
  });

  it('reads `Field: value` lines when a body has no headings for them', () => {
    const body = '<!-- template: sow-request -->\n**Customer name:** Hooli\n- Segment: SMB\n';
    expect(analyse(body).validation?.values).toMatchObject({ customer_name: 'Hooli', segment: ['smb'] });
  });

  it('does not take headings inside a code block', () => {
    const body = withAnswer(github, 'Additional information', '```\n### Customer name\nWrong Corp\n```');
    expect(analyse(body).validation?.values['customer_name']).toBe('Zürich Rückversicherung AG');
  });

  it('counts upper- and lower-case checked boxes', () => {
    const body = fixtureBody('github-strategic-initiative').replace(
      '- [x] Curriculum drafted',
      '- [X] Curriculum drafted',
    );
    expect(analyse(body).validation?.progress).toEqual({ checked: 2, total: 3 });
  });
});

describe('parsing the GitLab template', () => {
  it('reads ticked options, typed answers and ignores the hints', () => {
    const { values, errors } = analyse(gitlab).validation!;
    expect(errors).toEqual([]);
    expect(values).toMatchObject({
      request_type: ['migration-self-hosted'],
      services_requested: ['implementation', 'migration'],
      hosting_provider: ['gcp'],
      segment: ['mm'],
      air_gapped: false,
      account_executive: 'ae@globex-sales.example.com',
    });
  });

  it('treats an untouched template as every required field missing', async () => {
    const { readFile } = await import('node:fs/promises');
    const blank = await readFile(new URL('../../../issue-templates/gitlab/sow-request.md', import.meta.url), 'utf8');
    const fields = analyse(blank).validation!.errors.map((e) => e.field);
    expect(fields).toEqual([
      'customer_name',
      'account_executive',
      'opportunity_url',
      'request_type',
      'services_requested',
    ]);
  });
});

describe('parseBody', () => {
  it('returns an empty result for non-string input', () => {
    expect(parseBody(undefined)).toEqual({ marker: null, blocks: [], inline: new Map() });
    expect(parseBody({ body: 1 })).toEqual({ marker: null, blocks: [], inline: new Map() });
  });

  it('hides the rest of the body after an unclosed comment, as the markdown renderers do', () => {
    const blocks = parseBody('### Customer name\n\nAcme\n<!-- draft\n### Segment\n\nSMB').blocks;
    expect(blocks.map((b) => b.key)).toEqual(['customer-name']);
  });
});
