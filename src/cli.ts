#!/usr/bin/env node
import { Command } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerBackfill } from './commands/backfill.js';
import { registerCatchUp } from './commands/catch-up.js';
import { registerDemo } from './commands/demo.js';
import { registerCheckConfig } from './commands/check-config.js';
import { registerConfigSchema } from './commands/config-schema.js';
import { registerInbox } from './commands/inbox.js';
import { registerRenderTemplates } from './commands/render-templates.js';
import { registerPrune } from './commands/prune.js';
import { registerReplay } from './commands/replay.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerSetup } from './commands/setup.js';
import { registerStatusLink } from './commands/status-link.js';
import { registerSweep } from './commands/sweep.js';
import { ENV_NAMES } from './config/load.js';
import { createBackfillClients } from './forges/clients.js';
import { createLogger } from './logger.js';

const program = new Command('boardkeeper')
  .description('Keeps a professional-services issue board honest on GitLab and GitHub.')
  .option('-c, --config <file>', 'YAML config file (env BOARDKEEPER_CONFIG; default ./boardkeeper.yml when present)')
  .addHelpText(
    'after',
    `\nEnvironment (each secret also as NAME_FILE): ${ENV_NAMES.join(', ')}, ALERT_<RECEIVER>_URL, ALERT_<RECEIVER>_SECRET`,
  )
  .showHelpAfterError();

registerServe(program);
registerCheckConfig(program);
registerInbox(program);
registerReplay(program);
registerPrune(program);
registerSetup(program);
registerRenderTemplates(program);
registerConfigSchema(program);
registerAudit(program);
registerSweep(program);
registerReport(program);
registerCatchUp(program);
registerStatusLink(program);
registerDemo(program);
// Backfill only reads, so it uses the forge's credentials even when actions are in dry-run.
registerBackfill(
  program,
  (forge, config) => createBackfillClients({ ...config, dryRun: false }, createLogger({ level: 'warn' }))[forge],
);

await program.parseAsync(process.argv);
