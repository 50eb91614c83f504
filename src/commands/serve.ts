import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { createForgeClients, liveForges } from '../forges/clients.js';
import { createLogger, resolveLogFormat } from '../logger.js';
import { scheduledCatchUp } from '../catchup/run.js';
import { createService } from '../service.js';
import { describeStore, openStore } from '../store/open.js';
import { configFrom } from './context.js';

function forgeMode(live: boolean): string {
  return live ? 'live' : 'dry-run (actions are recorded in the audit log, not executed)';
}

export function registerServe(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('receive webhooks and keep the board in order (the default command)')
    .option('-p, --port <port>', 'port to listen on (env PORT)')
    .option('--host <host>', 'address to bind (env HOST)')
    .action(async (options: { port?: string; host?: string }, command: Command) => {
      const { config, path } = configFrom(command);
      if (options.port !== undefined) config.server.port = Number(options.port);
      if (options.host !== undefined) config.server.host = options.host;
      // Decided here, where the terminal is: the engine thread logs the same way.
      config.log.format = resolveLogFormat(config.log.format);
      const log = createLogger(config.log);
      const store = await openStore(config, log);
      // The engine thread builds its own forge clients from the config.
      // The digest is filed from this thread, where the metrics reports are (the engine thread logs the forges' modes).
      const filing = createForgeClients(config, { info: () => {} });
      const service = await createService({
        config,
        store,
        log,
        engine: 'thread',
        metricsTable: 'thread',
        filing,
        // Catch-up after an outage: on start and every reconcile.intervalMinutes (src/catchup). It
        // reads the forges (hooks, logs, issues) and asks for redeliveries even in dry-run; the
        // rules' actions after a reconcile go through the engine's clients, dry-run or live.
        roomJobs: (deps) => [
          scheduledCatchUp({
            ...deps,
            actors: deps.clients,
            clients: createForgeClients({ ...config, dryRun: false }, log, {}, deps.metrics),
          }),
        ],
      });
      const live = liveForges(config);
      await service.app.listen({ port: config.server.port, host: config.server.host });
      service.worker.start();
      const { port } = service.app.server.address() as AddressInfo;
      log.info(
        {
          port,
          config: path,
          store: describeStore(config),
          gitlab: forgeMode(live.gitlab),
          github: forgeMode(live.github),
        },
        `boardkeeper listening on http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`,
      );
      for (const secret of ['gitlab', 'github'] as const) {
        if (!config[secret].webhookSecret)
          log.warn(`${secret.toUpperCase()}_WEBHOOK_SECRET is not set: ${secret} deliveries will be refused with 401`);
      }
      const shutdown = (signal: string) => {
        log.info({ signal }, 'shutting down: no new deliveries, finishing in-flight work');
        service.close().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
