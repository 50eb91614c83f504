import { accessSync, constants } from 'node:fs';

/** Where Debian's `chromium` package puts the browser. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

type Env = Record<string, string | undefined>;

export type ChromiumLookup = { found: true; path: string; source: string } | { found: false; reason: string };

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser the tests drive: `CHROMIUM_PATH`, else `CHROME_PATH`, else Debian's. A variable that is
 * set must name a browser: silently falling back would test a different browser than the one asked for.
 */
export function findChromium(
  env: Env = process.env,
  executable: (path: string) => boolean = isExecutable,
): ChromiumLookup {
  for (const name of ['CHROMIUM_PATH', 'CHROME_PATH']) {
    const path = env[name];
    if (!path) continue;
    if (executable(path)) return { found: true, path, source: name };
    return { found: false, reason: `${name}=${path} is not an executable file` };
  }
  if (executable(DEBIAN_CHROMIUM)) return { found: true, path: DEBIAN_CHROMIUM, source: DEBIAN_CHROMIUM };
  return {
    found: false,
    reason: `no Chromium: CHROMIUM_PATH and CHROME_PATH are unset and ${DEBIAN_CHROMIUM} does not exist`,
  };
}

export type ChromiumPlan =
  | { kind: 'ready'; path: string }
  | { kind: 'install'; reason: string }
  | { kind: 'fail'; message: string };

/** What the test command does about the browser, given the lookup and what this machine allows. */
export function planChromium(
  lookup: ChromiumLookup,
  machine: { root: boolean; aptGet: boolean; variableSet: boolean },
): ChromiumPlan {
  if (lookup.found) return { kind: 'ready', path: lookup.path };
  if (machine.variableSet)
    return { kind: 'fail', message: `${lookup.reason}; point it at a Chromium binary or unset it` };
  if (machine.root && machine.aptGet) return { kind: 'install', reason: lookup.reason };
  const run = machine.aptGet
    ? `sudo sh -c '${INSTALL_COMMAND}'`
    : 'install Chromium and set CHROMIUM_PATH to its binary';
  return { kind: 'fail', message: `${lookup.reason}. The browser tests need it; run once: ${run}` };
}

/** The lookup for the browser tests, which fail at once with the reason when there is no browser. */
export function chromiumPath(env: Env = process.env): string {
  const lookup = findChromium(env);
  if (!lookup.found)
    throw new Error(`${lookup.reason} (npm test installs it when it may: see scripts/ensure-chromium.ts)`);
  return lookup.path;
}
