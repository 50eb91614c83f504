/** Logs one line as `serve` would (log.format auto), for the terminal-vs-pipe test. */
import { createLogger } from '../../src/logger.js';

createLogger({ level: 'info', format: 'auto' }).info(
  { deliveryId: 'd-1', forge: { token: 'glpat-secret' } },
  'delivery processed',
);
