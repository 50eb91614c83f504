import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ForgeName, IssueRef } from '../domain/types.js';

/** The engagement a status link opens, and until when. */
export interface StatusGrant {
  issue: Pick<IssueRef, 'forge' | 'project' | 'iid'>;
  /** The link answers 404 from this instant on (whole seconds). */
  expiresAt: Date;
}

const FORGES: readonly ForgeName[] = ['gitlab', 'github'];
/** Binds the MAC to this use of the secret: a token of another purpose or version never verifies. */
const CONTEXT = 'boardkeeper-status-v1';

const toSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

function claims(grant: StatusGrant): string {
  return [grant.issue.forge, grant.issue.project, String(grant.issue.iid), String(toSeconds(grant.expiresAt))].join(
    '\n',
  );
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${CONTEXT}\n${payload}`).digest('base64url');
}

/**
 * `<claims>.<mac>`, both base64url: the claims (forge, project, iid, expiry) travel in the link so
 * nothing is stored per link, and the HMAC-SHA256 under `status.secret` makes them unforgeable.
 * A new secret revokes every link made with the old one.
 */
export function signStatusToken(grant: StatusGrant, secret: string): string {
  const payload = claims(grant);
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(secret, payload)}`;
}

function parseClaims(encoded: string): StatusGrant | null {
  const [forge, project, iid, expires, ...rest] = Buffer.from(encoded, 'base64url').toString('utf8').split('\n');
  if (
    rest.length > 0 ||
    !FORGES.includes(forge as ForgeName) ||
    !project ||
    !/^[1-9]\d{0,15}$/.test(iid ?? '') ||
    !/^\d{1,12}$/.test(expires ?? '')
  )
    return null;
  return {
    issue: { forge: forge as ForgeName, project, iid: Number(iid) },
    expiresAt: new Date(Number(expires) * 1000),
  };
}

/** Equal-length digests first, so neither the content nor the length of the expected token leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The grant of a token made with `secret` that has not expired at `now`, else null — whatever the
 * reason (malformed, tampered, another secret, expired), so callers cannot tell them apart. The
 * whole token is compared with the one the claims would give, so a non-canonical base64url
 * spelling of the same bytes is refused too: any change to a valid token invalidates it.
 */
export function verifyStatusToken(token: string, secret: string, now: Date): StatusGrant | null {
  if (token.length > 2048) return null;
  const [encoded, ...rest] = token.split('.');
  const grant = rest.length === 1 && encoded ? parseClaims(encoded) : null;
  const expected = grant ? signStatusToken(grant, secret) : mac(secret, token);
  const matches = sameToken(token, expected);
  return grant && matches && grant.expiresAt.getTime() > now.getTime() ? grant : null;
}
