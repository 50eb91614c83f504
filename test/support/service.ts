import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import type { ForgeName } from '../../src/domain/types.js';
import type { ForgeClient } from '../../src/forges/forge.js';
import { createLogger } from '../../src/logger.js';
import { createService, type Service } from '../../src/service.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { GITHUB_SECRET, GITLAB_SECRET } from './signing.js';

export interface TestService {
  service: Service;
  config: Config;
  /** Every log line written, for leak and correlation assertions. */
  logs: string[];
  cleanup(): Promise<void>;
}

export function testConfig(overrides: ConfigInput = {}): Config {
  return configSchema.parse({
    ...overrides,
    gitlab: { webhookSecret: GITLAB_SECRET, ...overrides.gitlab },
    github: { webhookSecret: GITHUB_SECRET, ...overrides.github },
    worker: { pollIntervalMs: 10, backoffBaseMs: 5, backoffMaxMs: 20, ...overrides.worker },
    log: { level: 'debug', ...overrides.log },
  });
}

/** A fully wired service on a temporary SQLite file, logging into memory. */
export async function startTestService(
  options: {
    config?: ConfigInput;
    clients?: Partial<Record<ForgeName, ForgeClient | null>>;
    routes?: FastifyPluginAsync[];
    now?: () => Date;
  } = {},
): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'bk-svc-'));
  const config = testConfig({ ...options.config, store: { sqlitePath: join(dir, 'bk.db'), ...options.config?.store } });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: config.log.level, destination });
  const store = new SqliteStore({ path: config.store.sqlitePath, synchronous: config.store.sqliteSynchronous });
  await store.migrate();
  const service = await createService({
    config,
    store,
    log,
    clients: { gitlab: null, github: null, ...options.clients },
    routes: options.routes,
    now: options.now,
  });
  await service.app.ready();
  return {
    service,
    config,
    logs,
    async cleanup() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
