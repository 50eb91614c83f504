import type { Config } from '../config/schema.js';
import { ALERT_KINDS } from '../domain/alert-kinds.js';

/** One line for `check-config`: which receivers get which kinds. Never the URL. */
export function describeAlerts(config: Pick<Config, 'alerts'>): string {
  const { enabled, receivers } = config.alerts;
  if (receivers.length === 0) return 'none (no receivers configured)';
  if (!enabled)
    return `switched off (alerts.enabled: false; ${receivers.length} receiver${receivers.length === 1 ? '' : 's'} configured)`;
  return receivers
    .map((receiver) => {
      const kinds = receiver.kinds.length === ALERT_KINDS.length ? 'every kind' : receiver.kinds.join(', ');
      return `${receiver.name} (${receiver.type}: ${receiver.enabled ? kinds : 'switched off'})`;
    })
    .join(', ');
}
