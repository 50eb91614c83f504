/**
 * A smaller batch of the generated requests over real sockets against `boardkeeper serve` in a child
 * process, plus traffic only a socket can carry (not HTTP at all, oversized headers, truncated and
 * chunked bodies). Stdout and stderr of the whole run are checked for secrets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabIssueHook } from '../support/payloads.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { eventually } from '../support/service.js';
import { gitlabHeaders } from '../support/signing.js';
import { leakedSecrets, recipe, RequestFactory, SECRET_ENV, type Attempt } from './hostile-requests.js';

const SEED = 4_242;
const RUNS = 400;
const BODY_LIMIT = 64 * 1024;
const PARALLEL = 8;

const dir = mkdtempSync(join(tmpdir(), 'bk-socket-'));
let server: ServerProcess;
beforeAll(async () => {
  const config = join(dir, 'config.yml');
  writeFileSync(config, `server:\n  bodyLimitBytes: ${BODY_LIMIT}\nworker:\n  pollIntervalMs: 20\n`);
  server = await spawnServer({ ...SECRET_ENV, BOARDKEEPER_CONFIG: config, BOARDKEEPER_DB_PATH: join(dir, 'bk.db') });
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function post(attempt: Attempt) {
  const response = await fetch(`${server.url}${attempt.url}`, {
    method: 'POST',
    headers: attempt.headers,
    body: attempt.body,
  });
  return { status: response.status, text: await response.text(), headers: JSON.stringify([...response.headers]) };
}

/** Write raw bytes, return the status code of the answer ('' if the server just closed). */
function raw(write: (socket: ReturnType<typeof connect>) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => write(socket));
    let answer = '';
    const status = () => resolve(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? '');
    socket.on('data', (chunk) => (answer += String(chunk)));
    // The server may answer and close while the client is still writing: 'close' follows.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!['ECONNRESET', 'EPIPE'].includes(error.code ?? '')) reject(error);
    });
    socket.on('close', status);
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

describe('intake over real sockets', () => {
  const leaks = new Set<string>();

  it(`answers ${RUNS} generated requests with the documented status`, async () => {
    const factory = new RequestFactory('socket', BODY_LIMIT);
    const attempts: Attempt[] = [];
    for (const generated of fc.sample(recipe, { seed: SEED, numRuns: RUNS }))
      attempts.push(await factory.build(generated));
    // Replays go last: sent concurrently with their original, either could be the one stored first.
    const ordered = [...attempts.filter((a) => a.kind !== 'replay'), ...attempts.filter((a) => a.kind === 'replay')];
    const mismatches: string[] = [];
    for (let start = 0; start < ordered.length; start += PARALLEL) {
      await Promise.all(
        ordered.slice(start, start + PARALLEL).map(async (attempt) => {
          const response = await post(attempt);
          leakedSecrets(response.headers + response.text).forEach((name) => leaks.add(name));
          const answered =
            response.status === attempt.expected.status &&
            (!attempt.expected.answer || attempt.expected.answer(JSON.parse(response.text)));
          if (!answered)
            mismatches.push(
              `${attempt.kind}: expected ${attempt.expected.status}, got ${response.status} ${response.text}`,
            );
        }),
      );
    }
    expect(mismatches).toEqual([]);
  }, 60_000);

  it.each([
    ['bytes that are not HTTP', '400', (s: ReturnType<typeof connect>) => s.end('HELLO\r\n\r\n')],
    [
      'a 20 KB header',
      '431',
      (s: ReturnType<typeof connect>) =>
        s.end(`POST /webhooks/github HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    ],
    [
      'a chunked body over the limit',
      '413',
      // Just over the limit and then silence: bytes the server never reads would make it reset the
      // connection, which can drop its answer before the client reads it.
      (s: ReturnType<typeof connect>) => {
        const chunk = 'x'.repeat(BODY_LIMIT + 1);
        s.write(
          `POST /webhooks/gitlab HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
        );
      },
    ],
  ])('answers %s with %s', async (_name, status, write) => {
    expect(await raw(write)).toBe(status);
  });

  it('survives a client that promises a body and hangs up halfway', async () => {
    const answer = await raw((s) => {
      s.write(
        'POST /webhooks/gitlab HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"object_kind":',
      );
      setTimeout(() => s.destroy(), 50);
    });
    expect(answer).toBe('');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('still accepts and processes a normal delivery afterwards', async () => {
    const response = await fetch(`${server.url}/webhooks/gitlab`, {
      method: 'POST',
      headers: gitlabHeaders('socket-normal-after'),
      body: JSON.stringify(gitlabIssueHook({ iid: 77 })),
    });
    expect(response.status).toBe(202);
    await eventually(
      () =>
        server.lines.some(
          (line) => line.includes('"deliveryId":"socket-normal-after"') && line.includes('"msg":"delivery processed"'),
        ),
      'the delivery to be processed',
    );
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('never writes a secret to stdout, stderr or a response, and logged no error', async () => {
    await server.kill('SIGTERM');
    const output = `${server.lines.join('\n')}\n${server.stderr()}`;
    expect(server.lines.length).toBeGreaterThan(RUNS / 10);
    expect(leakedSecrets(output)).toEqual([]);
    expect([...leaks]).toEqual([]);
    expect(server.lines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });
});
