import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../../src/templates/index.js';
import { analyse, fixtureBody } from './helpers.js';

const FIXTURES = [
  'github-sow-request',
  'gitlab-sow-request',
  'github-strategic-initiative',
  'gitlab-strategic-initiative',
].map(fixtureBody);
const LABELS = new Set(Object.values(TEMPLATES).flatMap((t) => t.fields.map((f) => f.label)));
const HEADINGS = [...LABELS].map((label) => `### ${label}`);

/** Lines that look like template bodies, in any order and any mix: the parser's tricky inputs. */
const line = fc.oneof(
  fc.constantFrom(
    ...HEADINGS,
    '_No response_',
    '- [x] done',
    '- [ ] todo',
    '<!--',
    '-->',
    '```',
    '~~~',
    '<!-- template: sow-request -->',
  ),
  fc.constantFrom(
    '#',
    '####### seven',
    '- [',
    '1) [X] item',
    '**Customer name:** ',
    'Segment: Enterprise',
    '/label ~"x"',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const soup = fc
  .tuple(fc.array(line, { maxLength: 60 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => lines.join(eol));
const truncated = fc.tuple(fc.constantFrom(...FIXTURES), fc.nat(), fc.boolean()).map(([body, cut, crlf]) => {
  const part = body.slice(0, cut % (body.length + 1));
  return crlf ? part.replace(/\n/g, '\r\n') : part;
});

function assertWellFormed(body: unknown, labels: string[]): void {
  const { validation } = analyse(body, labels, 'sow-request');
  expect(validation).not.toBeNull();
  for (const problem of [...validation!.errors, ...validation!.warnings]) {
    expect(LABELS).toContain(problem.label);
    expect(problem.message).not.toBe('');
  }
}

describe('the parser never throws', () => {
  it('on random text and binary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (body) => assertWellFormed(body, [])),
      { numRuns: 300 },
    );
  });

  it('on shuffled template lines with any line ending', () => {
    fc.assert(fc.property(soup, fc.constantFrom<string[]>([], ['type::strategic-initiative']), assertWellFormed), {
      numRuns: 400,
    });
  });

  it('on fixture bodies cut at any point', () => {
    fc.assert(
      fc.property(truncated, (body) => assertWellFormed(body, [])),
      { numRuns: 400 },
    );
  });

  it('on values that are not strings at all', () => {
    fc.assert(
      fc.property(fc.anything(), (body) => assertWellFormed(body, [])),
      { numRuns: 200 },
    );
  });
});
