import { createHash } from 'node:crypto';
import type { Headers } from './forge.js';

/** The first value of a header, whatever its case. Node lower-cases incoming header names. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A stable delivery id for a body that arrived without one: identical bodies are the same delivery. */
export function bodyDigestId(rawBody: string): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** Accept `2013-12-03T17:15:43Z` and GitLab's `2017-09-15 16:52:00 UTC`; return ISO-8601 UTC. */
export function toIsoTime(value: string | null | undefined, fallback: string): string {
  if (!value) return fallback;
  const normalised = value.replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/, '$1T$2Z');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? fallback : new Date(ms).toISOString();
}
