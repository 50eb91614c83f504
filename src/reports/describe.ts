import type { Config } from '../config/schema.js';
import { nextFiring } from './schedule.js';

/** One line for `check-config`: when the digest goes out and where, never a URL or a password. */
export function describeDigest(config: Config, nowMs: number): string {
  const { digest } = config.reports;
  const where = [
    digest.forge && `${digest.forge.forge} ${digest.forge.project} (${digest.forge.mode})`,
    digest.slack && 'slack',
    digest.email &&
      `email to ${digest.email.to.length} recipient${digest.email.to.length === 1 ? '' : 's'} via ${digest.email.host}:${digest.email.port}`,
  ].filter((destination): destination is string => typeof destination === 'string');
  if (!digest.enabled) return 'off inside serve (boardkeeper report sends one on demand)';
  if (where.length === 0) return 'no destination configured (boardkeeper report --print renders one)';
  const next = nextFiring(digest, nowMs);
  const at = next ? `, next ${next.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  return `"${digest.schedule}" in ${digest.timeZone}${at}, ${digest.period}, to ${where.join(', ')}`;
}
