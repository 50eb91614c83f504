import { Worker as Thread } from 'node:worker_threads';

/** Under tsx (dev, tests) the sources are .ts and a thread needs tsx's loader too; once built, .js. */
const fromSource = import.meta.url.endsWith('.ts');

/**
 * Starts the module `entry` (a path under src/ without extension, e.g. `engine/thread-entry`) on a
 * worker thread. Loader hooks of the main thread do not reach worker threads, so from source
 * tsx's are registered in the thread first.
 */
export function startThread(entry: string, workerData: unknown): Thread {
  const url = new URL(`./${entry}.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Thread(url, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Thread(bootstrap, { eval: true, workerData });
}
