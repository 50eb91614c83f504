/**
 * The metrics table builder in its own thread (see table-thread.ts): its own store connection,
 * so the main thread's event loop never waits for the read or the computation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { openStore } from '../store/open.js';
import { metricsSettings } from './settings.js';
import { tableBuffers } from './table.js';
import { tableBuilder } from './table-snapshot.js';
import type { TableThreadReply, TableThreadRequest } from './table-thread.js';

const { config } = workerData as { config: Config };
const port = parentPort!;
const store = await openStore(config);
const build = tableBuilder(store, metricsSettings(config));

port.on('message', (request: TableThreadRequest) => {
  if (request.type === 'stop') {
    store.close().finally(() => port.close());
    return;
  }
  build(request.asOfMs).then(
    (table) => port.postMessage({ type: 'built', id: request.id, table } satisfies TableThreadReply, tableBuffers(table)),
    (error: unknown) =>
      port.postMessage({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) } satisfies TableThreadReply),
  );
});
