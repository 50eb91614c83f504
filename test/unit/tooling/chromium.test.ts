import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEBIAN_CHROMIUM, findChromium, planChromium, type ChromiumLookup } from '../../../scripts/chromium.js';

const only =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('findChromium', () => {
  it.each([
    [
      'CHROMIUM_PATH first',
      { CHROMIUM_PATH: '/opt/a', CHROME_PATH: '/opt/b' },
      only('/opt/a', '/opt/b', DEBIAN_CHROMIUM),
      '/opt/a',
      'CHROMIUM_PATH',
    ],
    ['then CHROME_PATH', { CHROME_PATH: '/opt/b' }, only('/opt/b', DEBIAN_CHROMIUM), '/opt/b', 'CHROME_PATH'],
    [
      'an empty variable counts as unset',
      { CHROMIUM_PATH: '' },
      only(DEBIAN_CHROMIUM),
      DEBIAN_CHROMIUM,
      DEBIAN_CHROMIUM,
    ],
    ["then Debian's", {}, only(DEBIAN_CHROMIUM), DEBIAN_CHROMIUM, DEBIAN_CHROMIUM],
  ])('%s', (_name, env, executable, path, source) => {
    expect(findChromium(env, executable)).toEqual({ found: true, path, source });
  });

  it('a variable naming no browser is reported, not skipped for another browser', () => {
    const lookup = findChromium({ CHROMIUM_PATH: '/nope' }, only(DEBIAN_CHROMIUM));
    expect(lookup).toEqual({ found: false, reason: 'CHROMIUM_PATH=/nope is not an executable file' });
  });

  it('nothing anywhere', () => {
    const lookup = findChromium({}, only());
    expect(lookup.found).toBe(false);
  });
});

describe('planChromium', () => {
  const missing: ChromiumLookup = { found: false, reason: 'no Chromium' };
  const machine = { root: true, aptGet: true, variableSet: false };

  it('uses a browser that is there', () => {
    expect(planChromium({ found: true, path: '/x', source: 'CHROME_PATH' }, machine)).toEqual({
      kind: 'ready',
      path: '/x',
    });
  });

  it('installs as root with apt-get', () => {
    expect(planChromium(missing, machine)).toEqual({ kind: 'install', reason: 'no Chromium' });
  });

  it.each([
    ['not root', { ...machine, root: false }, "run once: sudo sh -c 'apt-get update && apt-get install -y chromium'"],
    ['no apt-get', { ...machine, aptGet: false }, 'run once: install Chromium and set CHROMIUM_PATH'],
    [
      'a variable names a missing browser',
      { ...machine, variableSet: true },
      'point it at a Chromium binary or unset it',
    ],
  ])('fails at once naming what to do: %s', (_name, allowed, advice) => {
    const plan = planChromium(missing, allowed);
    expect(plan.kind).toBe('fail');
    expect(plan.kind === 'fail' && plan.message).toContain(advice);
  });
});

describe('the pretest step', () => {
  it('stops at once, naming the variable, when CHROMIUM_PATH names no browser', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ensure-chromium.ts'], {
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium is not an executable file');
  });
});
