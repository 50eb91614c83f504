import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat, type LogFormat } from '../../../src/logger.js';
import { ROOT } from '../../support/process.js';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('log format', () => {
  it.each<[LogFormat, boolean, 'json' | 'pretty']>([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ])('%s with a terminal: %s → %s', (format, terminal, resolved) => {
    expect(resolveLogFormat(format, terminal)).toBe(resolved);
  });

  it('pretty: one human line per entry, secrets still redacted', () => {
    const out = capture();
    createLogger({ level: 'info', format: 'pretty', destination: out.stream }).info(
      { deliveryId: 'd-1', forge: { token: 'glpat-secret' } },
      'delivery processed',
    );
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/INFO.*delivery processed/);
    expect(text).toContain('deliveryId: "d-1"');
    expect(text).not.toContain('glpat-secret');
  });

  it('json: pino JSON lines, as before', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.stream }).info({ deliveryId: 'd-1' }, 'delivery processed');
    expect(JSON.parse(out.text())).toMatchObject({ msg: 'delivery processed', deliveryId: 'd-1', level: 30 });
  });

  const logLine = [process.execPath, '--import', 'tsx', 'test/support/log-line.ts'];

  it('on a real terminal (a pseudo-terminal from script(1)) the line is human', () => {
    const result = spawnSync('script', ['-qec', logLine.join(' '), '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/INFO.*delivery processed/);
    expect(result.stdout).not.toContain('"msg"');
  });

  it('into a pipe the line is JSON', () => {
    const result = spawnSync(logLine[0]!, logLine.slice(1), { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(result.stdout)).toMatchObject({ msg: 'delivery processed', forge: { token: '[redacted]' } });
  });
});
