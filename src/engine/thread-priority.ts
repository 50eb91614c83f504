import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from '../logger.js';

/**
 * Gives the calling thread a nice value, so that when the CPU is short, acknowledging webhooks (the
 * main thread) goes first and processing catches up afterwards from the durable inbox. Linux keeps
 * a priority per thread, addressed by its thread id, which /proc/thread-self names; elsewhere this
 * does nothing.
 */
export function lowerThreadPriority(nice: number, log: Logger): void {
  if (nice === 0 || process.platform !== 'linux') return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, nice);
  } catch (error) {
    log.warn({ err: error, nice }, 'could not lower the engine thread priority; it competes with intake for the CPU');
  }
}
