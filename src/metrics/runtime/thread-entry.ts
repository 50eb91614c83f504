/**
 * The metrics LocalMetrics in its own thread (see thread.ts): its own store connection,
 * so the main thread's event loop never waits for the reads, the table or a report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../config/schema.js';
import { openStore } from '../../store/open.js';
import { LocalMetrics } from './local-metrics.js';
import type { MetricsThreadReply, MetricsThreadRequest } from './thread.js';
import { metricsSettings } from '../durations/settings.js';

const { config } = workerData as { config: Config };
const port = parentPort!;
const store = await openStore(config);
const engine = new LocalMetrics(store, metricsSettings(config));

const failed = (id: number) => (error: unknown) =>
  port.postMessage({
    type: 'failed',
    id,
    message: error instanceof Error ? error.message : String(error),
  } satisfies MetricsThreadReply);

port.on('message', (request: MetricsThreadRequest) => {
  if (request.type === 'stop') {
    store.close().finally(() => port.close());
    return;
  }
  if (request.type === 'refresh') {
    engine
      .refresh(request.asOfMs)
      .then(
        (built) => port.postMessage({ type: 'refreshed', id: request.id, built } satisfies MetricsThreadReply),
        failed(request.id),
      );
  } else {
    engine
      .answer(request.query)
      .then(
        (answered) => port.postMessage({ type: 'answered', id: request.id, answered } satisfies MetricsThreadReply),
        failed(request.id),
      );
  }
});
