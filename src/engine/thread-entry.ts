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
import { createLocalEngine } from './local.js';
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
// The worker and every leased job the config turns on (the sweep, prune): see engine/jobs.ts.
const engine = createLocalEngine({
  config,
  store,
  webhooks: createWebhooks(config),
  clients,
  log: threadLog,
  metrics,
  alerter,
  onSweep: (report) => port.postMessage({ type: 'swept', report } satisfies ThreadMessage),
});
engine.start();

port.on('message', (message: ThreadMessage) => {
  if (message.type === 'notify') engine.notify();
  if (message.type === 'stop') {
    engine
      .stop(message.graceMs)
      .then(() => store.close())
      .then(() => metrics.close())
      .catch((error: unknown) => log.error({ err: error }, 'engine thread: closing the store failed'))
      .finally(() => port.close());
  }
});
port.postMessage({ type: 'started' } satisfies ThreadMessage);
