import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  contentType: string;
  /** Content hash: part of the asset's URL, so a new release is never served a stale copy. */
  version: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The folder beside this module: src/dashboard/assets under tsx and vitest, dist/dashboard/assets
 * after `npm run build` (which copies it there).
 */
export const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

/** Reads every servable file of `dir` once; a missing folder fails at startup, not on the first page view. */
export function loadAssets(dir: string = ASSETS_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, contentType, version: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return assets;
}
