import type { Alert, Alerter } from '../alerts/alert.js';
import type { ForgeName } from '../domain/types.js';
import type { ForgeHook } from '../forges/forge.js';
import type { Store } from '../store/store.js';
import { hookName } from './report.js';

const incidentCursor = (forge: ForgeName, hook: ForgeHook) => `catch-up.disabled:${forge}:${hookName(hook)}`;
const silenceCursor = (forge: ForgeName) => `catch-up.silent:${forge}`;

export interface HealthContext {
  store: Pick<Store, 'getCursor' | 'setCursor'>;
  alerter: Alerter;
  now: () => Date;
}

/**
 * `webhook-disabled` once when the forge reports a hook disabled, and once more when it is
 * enabled again: the open incident is a store cursor, so restarts and replicas do not repeat it.
 * Returns the alert sent, if any.
 */
export async function alertOnHookHealth(
  context: HealthContext,
  forge: ForgeName,
  hook: ForgeHook,
): Promise<Alert | null> {
  const cursor = incidentCursor(forge, hook);
  const since = (await context.store.getCursor(cursor)) || null;
  const disabled = hook.health.status === 'disabled';
  if (disabled === (since !== null)) return null;
  const at = context.now().toISOString();
  const name = hookName(hook);
  const alert: Alert = disabled
    ? {
        kind: 'webhook-disabled',
        at,
        summary: `${forge} ${name} is disabled (${hook.health.detail}): the forge sends nothing until it is enabled again; catch-up reconciles from the issues meanwhile`,
        details: { forge, hook: name, url: hook.url, health: hook.health, recovered: false },
      }
    : {
        kind: 'webhook-disabled',
        at,
        summary: `${forge} ${name} is enabled again (${hook.health.detail}), disabled since ${since}`,
        details: { forge, hook: name, url: hook.url, health: hook.health, recovered: true, disabledSince: since },
      };
  await context.alerter.send(alert);
  await context.store.setCursor(cursor, disabled ? at : '');
  return alert;
}

/**
 * `webhook-silent` once per silence: a forge that has sent deliveries within the inbox's retention
 * (`worker.retainDoneDays`: it "normally has traffic") and none for `silenceHours`.
 */
export async function alertOnSilence(
  context: HealthContext & { store: Pick<Store, 'lastReceivedAt'> },
  forge: ForgeName,
  silenceHours: number,
): Promise<Alert | null> {
  if (silenceHours <= 0) return null;
  const last = await context.store.lastReceivedAt(forge);
  if (!last || context.now().getTime() - Date.parse(last) < silenceHours * 3_600_000) return null;
  // The same last delivery means the same silence: alerted already.
  if ((await context.store.getCursor(silenceCursor(forge))) === last) return null;
  const alert: Alert = {
    kind: 'webhook-silent',
    at: context.now().toISOString(),
    summary: `no ${forge} delivery since ${last} (over ${silenceHours} h): check the forge's webhook and its delivery log`,
    details: { forge, lastDeliveryAt: last, silenceHours },
  };
  await context.alerter.send(alert);
  await context.store.setCursor(silenceCursor(forge), last);
  return alert;
}
