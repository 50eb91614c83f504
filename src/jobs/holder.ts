import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process as a job lease holder: readable in the store, unique per start. */
export function holderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
