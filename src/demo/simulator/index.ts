import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { ForgeName } from '../../domain/types.js';
import { PRESETS } from '../../config/presets.js';
import { configSchema } from '../../config/schema.js';
import { presetLabels } from '../../forges/label-catalog.js';
import { installFaults, type ApiCounters, type FaultPlan } from './faults.js';
import { githubApi } from './github-api.js';
import { githubFilingApi, gitlabFilingApi } from './filing-api.js';
import { gitlabApi } from './gitlab-api.js';
import { githubHistoryApi, gitlabHistoryApi } from './history-api.js';
import { githubHooksApi, gitlabHooksApi } from './hooks-api.js';
import { ForgeModel, type SimBoard } from './model.js';
import { WebhookSender, type SimHook } from './sender.js';

export type { ApiCall, Fault, FaultPlan } from './faults.js';
export type { SimIssue } from './model.js';
export type { SimHook, SimLogEntry } from './sender.js';
export { SERVICE_ACTORS } from './model.js';

export const SIMULATED_GITLAB_PROJECT_ID = 42;
export const SIMULATED_GITHUB_REPO = 'acme/services';
export const SIMULATED_BOARD = {
  owner: 'acme',
  number: 1,
  statusField: 'Status',
  effortFields: { spent: 'Hours spent', estimate: 'Hours estimated' },
};

export interface ForgeSimulator {
  /** GitLab instance root (the client adds /api/v4). */
  gitlabUrl: string;
  githubApiUrl: string;
  model: ForgeModel;
  sender: WebhookSender;
  counters: ApiCounters;
  /** Where webhooks go: the service's base URL (changeable, e.g. after a restart). */
  setTarget(url: string): void;
  setFaults(plan: FaultPlan | null): void;
  /** false: the hooks' delivery logs answer 404 (an older GitLab), so catch-up must reconcile. */
  setHookLogAvailable(available: boolean): void;
  /** Change a hook's health fields (GitLab `alert_status` / `disabled_until`, GitHub `active`); a disabled hook sends nothing. */
  setHookHealth(forge: ForgeName, health: Partial<Pick<SimHook, 'active' | 'alertStatus' | 'disabledUntil'>>): void;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  secrets: Record<ForgeName, string>;
  redeliveries?: number;
  redeliverMs?: number;
}

/** `SOW drafting` for `sow-drafting`: board columns are written for people. */
export function columnName(stage: string): string {
  return stage
    .replace(/-/g, ' ')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/\bsow\b/i, 'SOW');
}

function simulatedBoard(): SimBoard {
  const stages = [...PRESETS.default!.stages, PRESETS.default!.holdStage];
  return {
    ...SIMULATED_BOARD,
    projectId: 'PVT_kwDOSimBoard',
    fieldId: 'PVTSSF_simStatus',
    fieldName: SIMULATED_BOARD.statusField,
    options: stages.map((stage, n) => ({ id: `opt${n.toString(16)}`, name: columnName(stage) })),
  };
}

/**
 * GitLab- and GitHub-shaped APIs on 127.0.0.1 for the endpoints boardkeeper calls, over one
 * in-memory board, sending signed webhooks to the service for every change.
 */
export async function startForgeSimulator(options: SimulatorOptions): Promise<ForgeSimulator> {
  const sender = new WebhookSender(options);
  const model = new ForgeModel(
    { gitlab: String(SIMULATED_GITLAB_PROJECT_ID), github: SIMULATED_GITHUB_REPO },
    simulatedBoard(),
    sender,
    SIMULATED_GITLAB_PROJECT_ID,
  );
  // The repository as `boardkeeper setup` leaves it: every label of the preset exists.
  for (const label of presetLabels(configSchema.parse({}))) model.ensureGithubLabel(label.name);
  const counters: ApiCounters = { requests: 0, byForge: { gitlab: 0, github: 0 }, faults: 0 };
  let faults: FaultPlan | null = null;
  let logAvailable = true;
  const hooks = {
    sender,
    hookUrl: (forge: ForgeName) => `${sender.target ?? 'http://boardkeeper.invalid'}/webhooks/${forge}`,
    logAvailable: () => logAvailable,
  };
  const app = Fastify({ logger: false });
  await app.register(
    async (scope) => {
      installFaults(scope, 'gitlab', '/gitlab/api/v4', counters, () => faults);
      await scope.register(gitlabApi, { model });
      await scope.register(gitlabHistoryApi, { model });
      await scope.register(gitlabHooksApi, hooks);
      await scope.register(gitlabFilingApi, { model });
    },
    { prefix: '/gitlab/api/v4' },
  );
  await app.register(
    async (scope) => {
      installFaults(scope, 'github', '/github', counters, () => faults);
      await scope.register(githubApi, { model });
      await scope.register(githubHistoryApi, { model });
      await scope.register(githubHooksApi, hooks);
      await scope.register(githubFilingApi, { model });
    },
    { prefix: '/github' },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  return {
    gitlabUrl: `${root}/gitlab`,
    githubApiUrl: `${root}/github`,
    model,
    sender,
    counters,
    setTarget: (url) => (sender.target = url),
    setFaults: (plan) => (faults = plan),
    setHookLogAvailable: (available) => (logAvailable = available),
    setHookHealth: (forge, health) => Object.assign(sender.hooks[forge], health),
    async close() {
      await sender.idle();
      await app.close();
    },
  };
}
