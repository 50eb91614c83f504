import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BODY_LIMIT, bodyLength, splitBody, type BodyUnit } from '../../../src/reports/split.js';

const GITHUB = BODY_LIMIT.github.max;
const line = (n: number, width = 99) => `${String(n).padStart(6, '0')} ${'x'.repeat(width - 7)}\n`;

describe('splitBody', () => {
  it('keeps a body of exactly 65,536 characters in one part', () => {
    const body = 'a'.repeat(GITHUB);
    expect(splitBody(body, GITHUB)).toEqual([body]);
  });

  it('splits a body of 65,537 characters into two parts that join to it', () => {
    const body = `${'a'.repeat(GITHUB - 1)}\nb`;
    const parts = splitBody(body, GITHUB);
    expect(parts).toEqual([`${'a'.repeat(GITHUB - 1)}\n`, 'b']);
    expect(parts.join('')).toBe(body);
  });

  it.each([
    [
      'before a heading when one keeps the part at least half full',
      `${'x\n'.repeat(30)}## B\nyy\n`,
      64,
      [`${'x\n'.repeat(30)}`, '## B\nyy\n'],
    ],
    [
      'after a line when the heading is too early',
      `# A\n${'x'.repeat(50)}\n${'y'.repeat(20)}\n`,
      64,
      [`# A\n${'x'.repeat(50)}\n`, `${'y'.repeat(20)}\n`],
    ],
    ['inside a line longer than the limit', 'z'.repeat(10), 4, ['zzzz', 'zzzz', 'zz']],
    ['never between the halves of a surrogate pair', `abc${'😀'}d`, 4, ['abc', '😀d']],
    ['an empty body is one empty part', '', 10, ['']],
  ])('cuts %s', (_case, body, limit, expected) => {
    expect(splitBody(body, limit)).toEqual(expected);
  });

  it('counts UTF-8 bytes where the forge does (GitLab: 1,000,000)', () => {
    const fits = 'a'.repeat(1_000_000);
    expect(splitBody(fits, 1_000_000, 1_000_000, 'utf8-bytes')).toEqual([fits]);
    // 999,999 characters, but 1,000,001 bytes: an em dash is three.
    const over = `${'a'.repeat(999_996)}\n—\n`;
    const parts = splitBody(over, 1_000_000, 1_000_000, 'utf8-bytes');
    expect(parts).toEqual([`${'a'.repeat(999_996)}\n`, '—\n']);
  });

  it('gives continuation parts their own, smaller limit', () => {
    const body = Array.from({ length: 40 }, (_, n) => line(n)).join('');
    const parts = splitBody(body, 1_000, 500);
    expect(parts[0]!.length).toBeLessThanOrEqual(1_000);
    expect(parts.slice(1).every((part) => part.length <= 500)).toBe(true);
    expect(parts.join('')).toBe(body);
  });

  it('loses nothing and keeps every part within its limit, for any text and limits', () => {
    const text = fc
      .array(fc.oneof(fc.constantFrom('\n', '\n## ', '# ', '😀', '| a | b |\n'), fc.string({ maxLength: 40 })), {
        maxLength: 60,
      })
      .map((chunks) => chunks.join(''));
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 4, max: 80 }),
        fc.integer({ min: 4, max: 80 }),
        fc.constantFrom<BodyUnit>('characters', 'utf8-bytes'),
        (body, first, rest, unit) => {
          const parts = splitBody(body, first, rest, unit);
          expect(parts.join('')).toBe(body);
          expect(bodyLength(parts[0]!, unit)).toBeLessThanOrEqual(first);
          for (const part of parts.slice(1)) {
            expect(bodyLength(part, unit)).toBeLessThanOrEqual(rest);
            expect(part.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
