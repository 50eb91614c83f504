import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Makes transactions committed with `synchronous = NORMAL` in WAL mode durable without blocking the
 * event loop: an fdatasync of the WAL file on libuv's thread pool puts every frame written before it
 * started on disk. Only one sync runs at a time; whoever commits meanwhile shares the next one, so
 * under load one fsync covers many deliveries (group commit) while requests keep being parsed.
 * A checkpoint that moves frames into the database file syncs both files itself, so it never undoes this.
 */
export class WalSync {
  private fd: number | null = null;
  private running: Promise<void> | null = null;
  private waiting: Waiter[] = [];
  private failed: Error | null = null;

  /** The fsync error that made the WAL untrustworthy, if any. */
  get failure(): Error | null {
    return this.failed;
  }

  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before this call is on disk; rejects if the sync fails. */
  durable(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) this.next();
    });
  }

  private next(): void {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) {
      this.running = null;
      return;
    }
    this.running = this.sync()
      .then(
        () => batch.forEach((waiter) => waiter.resolve()),
        (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
      )
      .then(() => this.next());
  }

  private sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      // After a failed fdatasync the kernel may have dropped the dirty pages and a later sync can
      // "succeed" without them: once one fails, nothing is ever reported durable again.
      if (this.failed) {
        reject(this.failed);
        return;
      }
      try {
        this.fd ??= this.open();
      } catch (error) {
        reject(error);
        return;
      }
      fdatasync(this.fd, (error) => {
        if (error) this.failed = error;
        return error ? reject(error) : resolve();
      });
    });
  }

  /** Opened on first use, when SQLite has created the WAL file. Its directory entry must be durable too. */
  private open(): number {
    const fd = openSync(this.walPath, 'r');
    const directory = openSync(dirname(this.walPath), 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
    return fd;
  }

  /** Waits for every requested sync, then releases the file. */
  async close(): Promise<void> {
    while (this.running) await this.running;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
