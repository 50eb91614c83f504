import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../../src/dashboard/html.js';

const unescapeHtml = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!,
  );

/** Strings dense in the characters that matter (and in entity look-alikes), mixed with any other. */
const markupLike = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", ';', '#', 'amp', 'lt', '39'),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
});

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['Rollout & "cut-over"', 'Rollout &amp; &quot;cut-over&quot;'],
    ["O'Brien", 'O&#39;Brien'],
    ['&amp; stays text', '&amp;amp; stays text'],
    ['plain', 'plain'],
  ])('%s', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });

  it('leaves no character that could open a tag or close an attribute, and loses nothing', () => {
    fc.assert(
      fc.property(markupLike, (text) => {
        const escaped = escapeHtml(text);
        return (
          !/[<>"']/.test(escaped) &&
          !escaped.replace(/&(amp|lt|gt|quot|#39);/g, '').includes('&') &&
          unescapeHtml(escaped) === text
        );
      }),
    );
  });
});

describe('html template', () => {
  it('escapes every interpolated string but not nested markup', () => {
    const title = '<img src=x onerror="alert(1)">';
    const row = html`<td class="${'a" onclick="x'}">${title}</td>`;
    expect(html`<tr>${row}</tr>`.value).toBe(
      '<tr><td class="a&quot; onclick=&quot;x">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td></tr>',
    );
  });

  it('joins arrays, prints numbers and renders nothing for null, undefined and false', () => {
    expect(html`${[1, '<', html`<b>`]}|${null}|${undefined}|${false}|${0}`.value).toBe('1&lt;<b>||||0');
  });
});
