import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signStatusToken, verifyStatusToken, type StatusGrant } from '../../../src/status/token.js';

const SECRET = 'status-secret-0123456789abcdef-0123';
const NOW = new Date('2026-06-15T12:00:00Z');
const EXPIRES = new Date('2026-07-15T12:00:00Z');
const GRANT: StatusGrant = { issue: { forge: 'gitlab', project: 'ps/engagements', iid: 112 }, expiresAt: EXPIRES };
const TOKEN = signStatusToken(GRANT, SECRET);
/** Every character a token is spelt with: base64url and the separator. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

const withCharAt = (token: string, index: number, char: string) =>
  token.slice(0, index) + char + token.slice(index + 1);

describe('status tokens', () => {
  it('open the engagement they were made for until they expire', () => {
    expect(TOKEN).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyStatusToken(TOKEN, SECRET, NOW)).toEqual(GRANT);
    expect(verifyStatusToken(TOKEN, SECRET, new Date(EXPIRES.getTime() - 1000))).toEqual(GRANT);
  });

  it('carry a GitHub owner/repo and large iids intact', () => {
    const grant: StatusGrant = {
      issue: { forge: 'github', project: 'acme/web.site', iid: 987_654 },
      expiresAt: EXPIRES,
    };
    expect(verifyStatusToken(signStatusToken(grant, SECRET), SECRET, NOW)).toEqual(grant);
  });

  it('are refused once expired, from the expiry instant on', () => {
    expect(verifyStatusToken(TOKEN, SECRET, EXPIRES)).toBeNull();
    expect(verifyStatusToken(TOKEN, SECRET, new Date(EXPIRES.getTime() + 86_400_000))).toBeNull();
  });

  it('are all revoked by rotating the secret', () => {
    expect(verifyStatusToken(TOKEN, `${SECRET}-rotated`, NOW)).toBeNull();
    expect(verifyStatusToken(TOKEN, SECRET.slice(1), NOW)).toBeNull();
  });

  it('cannot be moved to another issue, forge or expiry by rewriting their claims', () => {
    const mac = TOKEN.split('.')[1];
    const claims = (forge: string, project: string, iid: string, expires: string) =>
      Buffer.from([forge, project, iid, expires].join('\n'), 'utf8').toString('base64url');
    const seconds = String(EXPIRES.getTime() / 1000);
    for (const forged of [
      claims('gitlab', 'ps/engagements', '113', seconds),
      claims('github', 'ps/engagements', '112', seconds),
      claims('gitlab', 'ps/other', '112', seconds),
      claims('gitlab', 'ps/engagements', '112', String(Number(seconds) + 86_400 * 365)),
    ]) {
      expect(verifyStatusToken(`${forged}.${mac}`, SECRET, NOW)).toBeNull();
    }
    const other = signStatusToken({ ...GRANT, issue: { ...GRANT.issue, iid: 113 } }, SECRET);
    expect(verifyStatusToken(other, SECRET, NOW)?.issue.iid).toBe(113);
    expect(other.split('.')[1]).not.toBe(mac);
  });

  it('are refused when any one character is changed, at every position', () => {
    for (let index = 0; index < TOKEN.length; index++) {
      for (const char of ALPHABET) {
        if (char === TOKEN[index]) continue;
        expect(verifyStatusToken(withCharAt(TOKEN, index, char), SECRET, NOW), `${index} → ${char}`).toBeNull();
      }
    }
  });

  it('are refused when truncated, extended or malformed', () => {
    for (const token of [
      '',
      '.',
      TOKEN.slice(0, -1),
      `${TOKEN}A`,
      `${TOKEN}.`,
      `.${TOKEN}`,
      TOKEN.replace('.', ''),
      TOKEN.split('.')[0]!,
      'a'.repeat(5000),
    ]) {
      expect(verifyStatusToken(token, SECRET, NOW)).toBeNull();
    }
  });

  it('property: any single-byte change to a valid token is refused', () => {
    fc.assert(
      fc.property(
        fc.record({
          forge: fc.constantFrom('gitlab' as const, 'github' as const),
          project: fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,40}$/),
          iid: fc.integer({ min: 1, max: 10_000_000 }),
        }),
        fc.integer({ min: 0, max: 4095 }),
        fc.integer({ min: 1, max: 255 }),
        (issue, position, delta) => {
          const token = signStatusToken({ issue, expiresAt: EXPIRES }, SECRET);
          const bytes = Buffer.from(token, 'latin1');
          const index = position % bytes.length;
          bytes[index] = (bytes[index]! + delta) % 256;
          return verifyStatusToken(bytes.toString('latin1'), SECRET, NOW) === null;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
