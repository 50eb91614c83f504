import { describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver.js';
import { outages, outageSuite } from '../support/catch-up-suite.js';

outageSuite('gitlab', 'hook event log');

describe('gitlab: a hook the forge disabled', () => {
  const outage = outages();

  it('alerts once when the forge reports it disabled, and once when it recovers', async () => {
    const receiver: AlertReceiver = await startAlertReceiver();
    try {
      const run = await outage('gitlab', {
        alerts: {
          receivers: [{ name: 'ops', type: 'json', url: receiver.baseUrl, secret: 'an-alert-secret-of-16' }],
          backoffBaseMs: 5,
          backoffMaxMs: 20,
        },
      });
      await run.start();
      const alerts = () =>
        receiver.received.map((alert) => JSON.parse(alert.body) as { kind: string; details: { recovered: boolean } });

      run.simulator.setHookHealth('gitlab', {
        alertStatus: 'temporarily_disabled',
        disabledUntil: new Date(Date.now() + 3_600_000).toISOString(),
      });
      expect((await run.catchUp()).hooks).toMatchObject([{ health: { status: 'disabled' } }]);
      await run.catchUp();
      expect(alerts()).toMatchObject([{ kind: 'webhook-disabled', details: { recovered: false } }]);

      run.simulator.setHookHealth('gitlab', { alertStatus: 'executable', disabledUntil: null });
      await run.catchUp();
      await run.catchUp();
      expect(alerts()).toMatchObject([
        { kind: 'webhook-disabled', details: { recovered: false } },
        { kind: 'webhook-disabled', details: { recovered: true } },
      ]);
      expect(alerts()).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
