/**
 * End to end: webhook delivery → rules → actions executed against a forge simulated on 127.0.0.1
 * (the demo's simulator, which also sends the webhooks of the service's own changes back).
 * Reports deliveries per second until everything is handled, and forge API calls per event.
 *   paced: the demo's quarter, people acting only after the service settled (latency-bound)
 *   burst: every person's change of the quarter sent at once (throughput-bound)
 * Run: npx tsx bench/e2e.ts [issues]
 */
import { performance } from 'node:perf_hooks';
import { playQuarter } from '../src/demo/play.js';
import { startDemoStack } from '../src/demo/run.js';
import { planQuarter, QUARTER_DAYS } from '../src/demo/scenario.js';
import { printTable, saveResult } from './support.js';

const DAY_MS = 86_400_000;
const issues = Number(process.argv[2] ?? 120);

async function measure(mode: 'paced' | 'burst') {
  const stack = await startDemoStack({ port: 0, host: '127.0.0.1', dataDir: null, logLevel: 'warn' });
  try {
    const started = performance.now();
    await playQuarter(planQuarter(issues), {
      model: stack.simulator.model,
      quarterStartMs: Date.now() - QUARTER_DAYS * DAY_MS,
      settled: mode === 'paced' ? () => stack.settled() : async () => {},
    });
    await stack.settled(300_000);
    const seconds = (performance.now() - started) / 1000;
    const sent = stack.simulator.sender.sent;
    const people = sent.filter((d) => d.origin === 'person').length;
    const inbox = await stack.service.store.inboxCounts();
    const calls = stack.simulator.counters.requests;
    return {
      mode,
      issues,
      'people events': people,
      'echo events': sent.length - people,
      processed: inbox.done,
      dead: inbox.dead,
      seconds: Number(seconds.toFixed(2)),
      'deliveries/s': Math.round(inbox.done / seconds),
      'people events/s': Math.round(people / seconds),
      'API calls': calls,
      'calls/delivery': Number((calls / inbox.done).toFixed(2)),
      'calls/people event': Number((calls / people).toFixed(2)),
      'GitLab calls': stack.simulator.counters.byForge.gitlab,
      'GitHub calls': stack.simulator.counters.byForge.github,
    };
  } finally {
    await stack.close();
  }
}

const rows = [await measure('paced'), await measure('burst')];
printTable(rows);
console.log(`saved ${saveResult('e2e', { issues, node: process.version, rows })}`);
