/**
 * The engine in its own thread: its own store connection, forge clients and logger, so delivery
 * processing uses the second core and never delays webhook acknowledgements on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAlerter } from '../alerts/alerter.js';
import type { Config } from '../config/schema.js';
import { createForgeClients } from '../forges/clients.js';
import pino from 'pino';
import { createLogger } from '../logger.js';
import { lowerThreadPriority } from './thread-priority.js';
import { createWebhooks } from '../forges/forge-webhooks.js';
import { ForwardingSink } from '../observability/forwarding.js';
import { openStore } from '../store/open.js';
import { Sweeper, sweeperId } from '../sweep/scheduler.js';
import { createPipeline } from './pipeline.js';
import { Worker } from './worker.js';
import type { ThreadMessage } from './thread.js';

const { config } = workerData as { config: Config };
const port = parentPort!;
// Straight to the file descriptor: a worker thread's process.stdout is relayed through the main
// thread, which would spend intake's time writing the engine's lines.
const threadLog = createLogger({ ...config.log, destination: pino.destination({ dest: 1, sync: true }) });
const log = threadLog.child({ component: 'worker' });
lowerThreadPriority(config.worker.threadNice, log);
const metrics = new ForwardingSink((events) => port.postMessage({ type: 'metrics', events } satisfies ThreadMessage));
const store = await openStore(config);
const clients = createForgeClients(config, log, {}, metrics);
const alerter = createAlerter(config, { store, log });
const worker = new Worker({
  store,
  settings: config.worker,
  auditRetainDays: config.audit.retainDays,
  log,
  metrics,
  alerter,
  handler: createPipeline({ config, store, webhooks: createWebhooks(config), clients }),
});
worker.start();

// The sweep runs here, beside the worker: same forge clients and request policy, and its CPU
// (metrics over every issue) stays off the thread that acknowledges webhooks.
const sweeper = config.sweep.enabled
  ? new Sweeper({
      config,
      store,
      clients,
      alerter,
      holder: sweeperId(),
      intervalMs: config.sweep.intervalMinutes * 60_000,
      log: threadLog.child({ component: 'sweep' }),
      onReport: (report) => port.postMessage({ type: 'swept', report } satisfies ThreadMessage),
    })
  : null;
sweeper?.start();

port.on('message', (message: ThreadMessage) => {
  if (message.type === 'notify') worker.notify();
  if (message.type === 'stop') {
    Promise.all([worker.stop(message.graceMs), sweeper?.stop()])
      .then(() => store.close())
      .then(() => metrics.close())
      .catch((error: unknown) => log.error({ err: error }, 'engine thread: closing the store failed'))
      .finally(() => port.close());
  }
});
port.postMessage({ type: 'started' } satisfies ThreadMessage);
