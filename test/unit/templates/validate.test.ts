import { describe, expect, it } from 'vitest';
import { analyse, CONTEXT, fixtureBody, withAnswer } from './helpers.js';

const github = fixtureBody('github-sow-request');

function check(body: string, context = CONTEXT) {
  const validation = analyse(body, [], null, context).validation!;
  return {
    errors: validation.errors.map((e) => `${e.label}: ${e.message}`),
    warnings: validation.warnings.map((w) => `${w.label}: ${w.message}`),
    values: validation.values,
    taReviewNeeded: validation.taReviewNeeded,
  };
}

describe('enums are case and spacing tolerant', () => {
  it.each([
    ['Kubernetes (Helm)', 'kubernetes-helm'],
    ['kubernetes helm', 'kubernetes-helm'],
    ['  KUBERNETES-HELM ', 'kubernetes-helm'],
    ['vm omnibus', 'vm-omnibus'],
    ['Omnibus', 'vm-omnibus'],
  ])('%j → %s', (answer, value) => {
    expect(check(withAnswer(github, 'Deployment type', answer)).values['deployment_type']).toEqual([value]);
  });

  it('names the allowed options when an answer matches none', () => {
    expect(check(withAnswer(github, 'Hosting provider', 'Hetzner')).errors).toEqual([
      'Hosting provider: “Hetzner” is not one of: AWS, GCP, Azure, On-prem, Other, Undecided',
    ]);
  });

  it('rejects two answers to a single choice', () => {
    expect(check(withAnswer(github, 'Segment', 'SMB, Enterprise')).errors).toEqual(['Segment: pick only one option']);
  });
});

describe('field types', () => {
  it.each([
    ['Account executive', 'Jane from sales', 'Account executive: must be a @handle or an e-mail address'],
    ['Opportunity URL', 'http://crm.example.com/o/1', 'Opportunity URL: must start with https://'],
    ['Opportunity URL', 'see CRM', 'Opportunity URL: must be a link (https://…)'],
    ['Expected users', '0', 'Expected users: must be at least 1'],
    ['Expected users', 'about 200', 'Expected users: must be a whole number'],
    ['Target start date', '11/01/2027', 'Target start date: must be a date written YYYY-MM-DD'],
    ['Target start date', '2027-02-30', 'Target start date: must be a date written YYYY-MM-DD'],
    ['Air-gapped', 'maybe', 'Air-gapped: “maybe” is not one of: Yes, No'],
    ['Customer name', 'A', 'Customer name: must be at least 2 characters'],
    ['Customer name', 'x'.repeat(201), 'Customer name: must be at most 200 characters'],
    ['Estimated value (USD)', 'a lot', 'Estimated value (USD): must be an amount in US dollars, e.g. 60000'],
  ])('%s = %j is an error', (field, answer, error) => {
    expect(check(withAnswer(github, field, answer)).errors).toContain(error);
  });

  it.each([
    ['$75,000', 75_000],
    ['75 000 USD', 75_000],
    ['75k', 75_000],
    ['1.2m', 1_200_000],
  ])('reads the amount %j', (answer, amount) => {
    expect(check(withAnswer(github, 'Estimated value (USD)', answer)).values['estimated_value_usd']).toBe(amount);
  });

  it('takes the URL out of a markdown link', () => {
    const body = withAnswer(github, 'Opportunity URL', '[Opp 123](https://crm.example.com/o/123)');
    expect(check(body).values['opportunity_url']).toBe('https://crm.example.com/o/123');
  });

  it('restricts the opportunity URL to the configured CRM hosts', () => {
    const context = { ...CONTEXT, crmHosts: ['salesforce.com'] };
    expect(check(github, context).errors).toEqual(['Opportunity URL: must point to salesforce.com']);
    const allowed = withAnswer(github, 'Opportunity URL', 'https://acme.my.salesforce.com/006/1');
    expect(check(allowed, context).errors).toEqual([]);
  });

  it('lists every problem at once, not only the first', () => {
    let body = withAnswer(github, 'Customer name', '_No response_');
    body = withAnswer(body, 'Account executive', 'nobody');
    body = withAnswer(body, 'Services requested', '_No response_');
    expect(check(body).errors).toEqual([
      'Customer name: is required',
      'Account executive: must be a @handle or an e-mail address',
      'Services requested: is required',
    ]);
  });
});

describe('cross-field rules', () => {
  it.each(['Production deployment', 'Migration to cloud', 'Trial deployment', 'Migration (self-hosted)'])(
    'deployment fields are required for %s',
    (requestType) => {
      let body = withAnswer(github, 'Request type', requestType);
      body = withAnswer(body, 'Deployment type', '_No response_');
      expect(check(body).errors).toEqual([expect.stringMatching(/^Deployment type: is required for /)]);
    },
  );

  it('deployment fields are optional for training', () => {
    let body = withAnswer(github, 'Request type', 'Training');
    body = withAnswer(withAnswer(body, 'Deployment type', '_No response_'), 'Hosting provider', '_No response_');
    expect(check(body).errors).toEqual([]);
  });

  it('warns when a production deployment has no technical design', () => {
    const body = withAnswer(github, 'Technical design URL', '_No response_');
    expect(check(body)).toMatchObject({
      errors: [],
      warnings: [expect.stringMatching(/^Technical design URL: is missing/)],
    });
  });

  it('rejects a go-live before the start', () => {
    const body = withAnswer(github, 'Target go-live date', '2027-01-10');
    expect(check(body).errors).toEqual(['Target go-live date: must be on or after the target start date (2027-01-11)']);
  });

  it.each([
    ['2027-02-10', []],
    ['2027-02-11', ['Target go-live date: is 31 days after the start date; the goal is 30 days']],
  ])('go-live %s against a 30-day goal', (goLive, warnings) => {
    expect(check(withAnswer(github, 'Target go-live date', goLive)).warnings).toEqual(warnings);
  });

  it.each([
    ['50000', false],
    ['50001', true],
  ])('estimated value %s needs TA review: %s', (value, needed) => {
    expect(check(withAnswer(github, 'Estimated value (USD)', value)).taReviewNeeded).toBe(needed);
  });

  it('requires at least one exit criterion as a checklist', () => {
    const body = withAnswer(fixtureBody('github-strategic-initiative'), 'Exit criteria', 'ship it');
    expect(check(body).errors).toEqual(['Exit criteria: needs at least 1 checklist item (- [ ] …)']);
  });
});
