import type { Config } from '../config/schema.js';
import type { IssueRef } from '../domain/types.js';
import { signStatusToken } from './token.js';

const DAY_MS = 86_400_000;

/** Where links point: `status.publicUrl`, else `alerts.publicUrl`, else null (the caller says what it assumes). */
export function statusBaseUrl(config: Pick<Config, 'status' | 'alerts'>): string | null {
  return config.status.publicUrl ?? config.alerts.publicUrl ?? null;
}

/** `<base>/status/<token>` for one engagement, valid for `days` from `now`. */
export function statusLink(
  base: string,
  issue: Pick<IssueRef, 'forge' | 'project' | 'iid'>,
  secret: string,
  days: number,
  now: Date,
): { url: string; expiresAt: Date } {
  const expiresAt = new Date(Math.floor((now.getTime() + days * DAY_MS) / 1000) * 1000);
  return { url: `${base.replace(/\/+$/, '')}/status/${signStatusToken({ issue, expiresAt }, secret)}`, expiresAt };
}
