import { z } from 'zod';
import { ALERT_KINDS } from '../domain/alert-kinds.js';
import { parseDatabaseUrl } from './database-url.js';
import { SALES_STAGES } from './presets.js';
import { policyOverrides } from './policies.js';
import { reportsSection } from './reports.js';

/** One end of a duration (GitLab Value Stream Analytics style): the first time this happens. */
const durationEvent = z.union([
  /** The issue enters this stage. */
  z.object({ enter: z.string().min(1) }).strict(),
  /** The issue leaves this stage. */
  z.object({ leave: z.string().min(1) }).strict(),
  /** This overlay label is added (it must be recorded: see `durations.trackedLabels`). */
  z.object({ labelAdded: z.string().min(1) }).strict(),
  z.object({ created: z.literal(true) }).strict(),
]);

const durationDefinition = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case (it becomes a metric label)'),
    /** The first of these events starts the clock. */
    start: z.array(durationEvent).min(1),
    /** The first of these at or after the start stops it. */
    end: z.array(durationEvent).min(1),
    targetDays: z.number().positive().optional(),
    /** Open and past this many days: at-risk (default: never at-risk before the target). */
    atRiskAfterDays: z.number().positive().optional(),
    /** Issue fields (from the template) that override the start / end instant, `YYYY-MM-DD` or ISO. */
    startField: z.string().optional(),
    endField: z.string().optional(),
  })
  .strict();

const stageRule = z
  .object({
    /** Human-readable name, shown in the audit. */
    name: z.string().min(1),
    when: z.union([
      z.object({ labelAdded: z.string().min(1) }).strict(),
      z.object({ allExitCriteriaChecked: z.literal(true) }).strict(),
      z.object({ closed: z.literal(true) }).strict(),
    ]),
    /** A stage of the issue's board (`sow-review`) or a full label (`initiative::done`). */
    moveTo: z.string().min(1),
    /** Only for these issue kinds (e.g. `strategic-initiative`); all kinds when absent. */
    kinds: z.array(z.string().min(1)).optional(),
  })
  .strict();

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

const alertReceiver = z
  .object({
    /** Names the receiver in logs and the audit, and its environment variables (ALERT_<NAME>_URL). */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    /** `slack`: a Slack-compatible incoming webhook; `json`: the alert as JSON, signed with HMAC-SHA256. */
    type: z.enum(['slack', 'json']),
    /** Usually from ALERT_<NAME>_URL (or _FILE): a Slack webhook URL is itself a secret. */
    url: httpUrl,
    /** HMAC-SHA256 key of a `json` receiver; usually from ALERT_<NAME>_SECRET (or _FILE). */
    secret: z.string().min(16, 'at least 16 characters').optional(),
    kinds: z
      .array(z.enum(ALERT_KINDS))
      .min(1)
      .default([...ALERT_KINDS]),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((receiver) => receiver.type !== 'json' || receiver.secret !== undefined, {
    path: ['secret'],
    message: 'a json receiver needs a secret to sign with (ALERT_<NAME>_SECRET)',
  });

const alertsSection = z
  .object({
    enabled: z.boolean().default(true),
    /** The service's public base URL, for the dashboard link in alerts (e.g. https://boardkeeper.example.com). */
    publicUrl: httpUrl.optional(),
    receivers: z
      .array(alertReceiver)
      .default([])
      .refine(
        (receivers) => new Set(receivers.map((r) => r.name)).size === receivers.length,
        'receiver names must be unique',
      ),
    /** Attempts per alert and receiver, and the time after which a receiver is given up on. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    giveUpAfterMs: z
      .number()
      .int()
      .positive()
      .default(10 * 60_000),
    backoffBaseMs: z.number().int().min(1).default(1_000),
    backoffMaxMs: z.number().int().min(1).default(60_000),
    requestTimeoutMs: z.number().int().positive().default(10_000),
  })
  .strict()
  .prefault({});

type DurationDefinitionInput = z.input<typeof durationDefinition>;

/** domain.md, section Durations. The KPI takes its target from `implementationTargetDays`. */
const DEFAULT_DURATIONS: DurationDefinitionInput[] = [
  {
    name: 'implementation',
    start: [{ enter: 'deployment' }],
    end: [{ enter: 'production-live' }],
    startField: 'implementation_start',
    endField: 'implementation_end',
  },
  { name: 'time_to_value', start: [{ enter: 'sow-signed' }], end: [{ enter: 'production-live' }] },
  { name: 'delivery_lead_time', start: [{ enter: 'sow-signed' }], end: [{ enter: 'kickoff' }], targetDays: 28 },
  {
    name: 'sow_cycle_time',
    start: [{ created: true }],
    end: [{ enter: 'sow-signed' }, { labelAdded: 'outcome::lost' }],
  },
  { name: 'sla_triage', start: [{ created: true }], end: [{ enter: 'triage' }], targetDays: 1 },
  { name: 'sla_estimate', start: [{ leave: 'discovery' }], end: [{ enter: 'estimate' }], targetDays: 3 },
  { name: 'sla_draft', start: [{ enter: 'sow-drafting' }], end: [{ enter: 'sow-review' }], targetDays: 2 },
  { name: 'sla_sent', start: [{ enter: 'sow-approved' }], end: [{ leave: 'sow-approved' }], targetDays: 3 },
];

export const configSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(3000),
        host: z.string().default('0.0.0.0'),
        bodyLimitBytes: z
          .number()
          .int()
          .positive()
          .default(5 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        sqlitePath: z.string().min(1).default('./data/boardkeeper.db'),
        /** `full` survives power loss; `normal` survives a process crash only, and is faster. */
        sqliteSynchronous: z.enum(['full', 'normal']).default('full'),
        /** Usually from DATABASE_URL: postgres://… is PostgreSQL; file:<path> / sqlite:<path> a SQLite file (instead of sqlitePath). */
        databaseUrl: z
          .string()
          .superRefine((value, context) => {
            const parsed = parseDatabaseUrl(value);
            if ('error' in parsed) context.addIssue({ code: 'custom', message: parsed.error });
          })
          .optional(),
        poolSize: z.number().int().min(1).max(200).default(10),
        statementTimeoutMs: z.number().int().positive().default(15_000),
      })
      .strict()
      .prefault({}),
    worker: z
      .object({
        concurrency: z.number().int().min(1).max(256).default(8),
        maxAttempts: z.number().int().min(1).max(100).default(8),
        backoffBaseMs: z.number().int().min(1).default(1_000),
        backoffMaxMs: z
          .number()
          .int()
          .min(1)
          .default(15 * 60_000),
        leaseMs: z.number().int().min(100).default(60_000),
        pollIntervalMs: z.number().int().min(1).default(250),
        /** Done deliveries older than this are deleted (hourly); 0 keeps them forever. */
        retainDoneDays: z.number().min(0).default(30),
        /**
         * Nice value of the engine thread under `serve` (Linux): when the CPU is short, intake
         * answers first and processing catches up from the inbox. 0 gives both the same share.
         */
        threadNice: z.number().int().min(0).max(19).default(10),
      })
      .strict()
      .prefault({}),
    gitlab: z
      .object({
        url: z.string().url().default('https://gitlab.com'),
        webhookSecret: z.string().optional(),
        token: z.string().optional(),
        /** Max concurrent API calls. */
        concurrency: z.number().int().min(1).default(4),
        /**
         * Projects whose events are accepted, by id or path (`group/project`); others are answered
         * 200 ignored and never stored. Unset: every project.
         */
        projects: z
          .array(z.union([z.number().int().positive(), z.string().min(1)]))
          .min(1)
          .optional(),
      })
      .strict()
      .prefault({}),
    github: z
      .object({
        apiUrl: z.string().url().default('https://api.github.com'),
        webhookSecret: z.string().optional(),
        token: z.string().optional(),
        app: z
          .object({
            appId: z.union([z.string(), z.number()]).transform(String),
            privateKey: z.string().min(1),
            installationId: z.union([z.string(), z.number()]).transform(Number).optional(),
          })
          .strict()
          .optional(),
        /** The Projects v2 board whose Status field mirrors the stage. */
        project: z
          .object({
            owner: z.string().min(1),
            number: z.number().int().positive(),
            statusField: z.string().default('Status'),
            /** Number fields of the board holding hours spent and estimated (GitHub has no time tracking). */
            effortFields: z
              .object({ spent: z.string().min(1).optional(), estimate: z.string().min(1).optional() })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        concurrency: z.number().int().min(1).default(4),
        /**
         * Repositories (`owner/repo`) whose events are accepted; others are answered 200 ignored and
         * never stored. Unset: every repository. Board (`projects_v2_item`) events name no repository:
         * with a list set, they are accepted only for issues already seen from a listed repository.
         */
        repositories: z
          .array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'owner/repo'))
          .min(1)
          .optional(),
      })
      .strict()
      .prefault({}),
    /** `boardkeeper backfill`: how hard it may read the forge's history. */
    backfill: z
      .object({
        /**
         * Requests in flight at once while reading history (both forges). Stay within the forge's
         * limits: GitHub allows no more than 100 concurrent requests (secondary limit), GitLab.com
         * 2,000 API requests a minute per user.
         */
        concurrency: z.number().int().min(1).max(100).default(32),
        /** Longest Retry-After / rate-limit reset backfill waits out before giving up (it resumes on a rerun). */
        maxWaitSeconds: z.number().int().min(1).default(3_600),
        /** Retries of one request that failed with 429, 5xx or a network error. */
        retries: z.number().int().min(0).max(20).default(6),
      })
      .strict()
      .prefault({}),
    /** Forge accounts whose changes are the service's own (besides GitHub Apps and GitLab bot users). */
    botUsers: z.array(z.string()).default([]),
    /** Bearer token for /metrics, /audit and /dashboard. Unset: open. */
    metricsToken: z.string().optional(),
    /** `auto`: dry-run for a forge without credentials. */
    dryRun: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    preset: z.enum(['default', 'gitlab-ps']).default('default'),
    labels: z
      .object({
        stagePrefix: z.string().default('stage::'),
        typePrefix: z.string().default('type::'),
        segmentPrefix: z.string().default('segment::'),
        initiativePrefix: z.string().default('initiative::'),
        needsInfo: z.string().default('needs-info'),
        taReview: z.string().default('review::ta-needed'),
        /** While present, a high estimated value does not ask for TA review again. */
        taApproved: z.string().default('review::ta-approved'),
        outcomePrefix: z.string().default('outcome::'),
        /** Hidden marker that finds the bot's one comment again. */
        commentMarker: z.string().default('<!-- boardkeeper:report -->'),
        /** Extra aliases on top of the preset's. */
        aliases: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .prefault({}),
    thresholds: z
      .object({
        taReviewAboveUsd: z.number().min(0).default(50_000),
        goLiveWarnAfterDays: z.number().int().min(1).default(30),
        /** Hosts allowed in opportunity_url; empty allows any https host. */
        crmHosts: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    /** Extra movement rules, applied after the built-in ones. */
    rules: z.array(stageRule).default([]),
    durations: z
      .object({
        implementationTargetDays: z.number().positive().default(30),
        atRiskAfterDays: z.number().positive().default(21),
        /** Exclude on-hold / blocked time from the *active* implementation duration. */
        pausedStages: z.array(z.string()).default(['on-hold']),
        pausedLabels: z.array(z.string()).default(['status::blocked']),
        businessDays: z.boolean().default(false),
        /** 0 = Sunday … 6 = Saturday. */
        weekend: z.array(z.number().int().min(0).max(6)).default([0, 6]),
        holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
        staleAfterDays: z.number().positive().default(30),
        /** Open, idle this long and in a sales stage: suggest closing as lost. */
        suggestLostAfterDays: z.number().positive().default(60),
        salesStages: z.array(z.string()).default([...SALES_STAGES]),
        /** Time in these stages is not open time (the issue is done). */
        terminalStages: z.array(z.string()).default(['closed']),
        /** Overlay labels recorded as transitions besides `pausedLabels` (used by `labelAdded` events). */
        trackedLabels: z.array(z.string()).default(['outcome::won', 'outcome::lost']),
        /** The duration that is the KPI (the dashboard's implementation view). */
        kpi: z.string().default('implementation'),
        definitions: z.array(durationDefinition).default(DEFAULT_DURATIONS),
        /** Histogram buckets of the Prometheus exposition, in days. */
        bucketsDays: z.array(z.number().positive()).default([1, 2, 3, 5, 7, 14, 21, 30, 45, 60, 90, 180]),
        /**
         * How old the instant open durations are measured up to may get before /metrics and
         * /dashboard recompute every issue as of a new one (0: every request). New transitions and
         * issue states do not wait for it: each request first takes in what changed (README, Metrics).
         */
        cacheSeconds: z.number().min(0).default(60),
      })
      .strict()
      .prefault({}),
    /** Monte Carlo go-live forecasts of open engagements (the KPI duration), built with the metrics snapshot. */
    forecast: z
      .object({
        /** Below this many finished engagements to learn from, say "too little history" instead of a forecast. */
        minimumHistory: z.number().int().min(1).default(10),
        /** Simulated futures per open engagement. */
        draws: z.number().int().min(100).max(100_000).default(10_000),
        /** The same seed and the same history give the same forecast. */
        seed: z.number().int().default(20_260_101),
        /** Prometheus buckets of open engagements by chance of meeting the target: `likely` at or above, `unlikely` below `unlikelyBelow`. */
        likelyAtOrAbove: z.number().min(0).max(1).default(0.8),
        unlikelyBelow: z.number().min(0).max(1).default(0.2),
      })
      .strict()
      .refine((f) => f.unlikelyBelow <= f.likelyAtOrAbove, {
        error: 'unlikelyBelow must not exceed likelyAtOrAbove',
        path: ['unlikelyBelow'],
      })
      .prefault({}),
    /** Time-driven policies (src/policies): the shipped defaults by name, overridden or switched off, plus new ones. */
    policies: policyOverrides,
    sweep: z
      .object({
        /** Run the policies inside `serve`; `boardkeeper sweep` runs them on demand either way. */
        enabled: z.boolean().default(true),
        intervalMinutes: z.number().positive().default(15),
        /** How long a sweep's hold on the store's sweep lease lasts without renewal (a dead sweeper's is taken over after this). */
        leaseSeconds: z.number().positive().default(120),
      })
      .strict()
      .prefault({}),
    /** Catching up after an outage (src/catchup; README, Catching up after an outage). */
    reconcile: z
      .object({
        /** Catch up on start and every `intervalMinutes` inside `serve`; `boardkeeper catch-up` runs a pass either way. */
        enabled: z.boolean().default(true),
        intervalMinutes: z.number().positive().default(30),
        /** Look this much further back than the last delivery stored, for deliveries the forge logged late. */
        marginMinutes: z.number().min(0).default(15),
        /** Alert when a forge that sent deliveries in the inbox's retention has sent none for this long (0: never). */
        silenceAlertHours: z.number().min(0).default(24),
        /** How long a pass's hold on the store's `catch-up` lease lasts without renewal. */
        leaseSeconds: z.number().positive().default(300),
        /**
         * The hooks to read. Unset: each allow-listed project's / repository's hooks (or, without an
         * allow-list, those of every project the store knows) whose URL is `publicUrl`/webhooks/<forge>.
         */
        hooks: z
          .array(
            z
              .object({
                forge: z.enum(['gitlab', 'github']),
                /** GitLab `project` / `group`; GitHub `repository` / `organization` / `app` (the GitHub App's own hook). */
                scope: z.enum(['project', 'group', 'repository', 'organization', 'app']),
                /** GitLab project or group id, GitHub `owner/repo` or organisation; absent for `app`. */
                owner: z.string().min(1).optional(),
                /** The hook's id (absent for `app`). */
                id: z.number().int().positive().optional(),
              })
              .strict()
              .refine(
                (hook) => hook.scope === 'app' || (hook.owner !== undefined && hook.id !== undefined),
                'owner and id are required except for scope app',
              ),
          )
          .optional(),
        /** The service's public base URL the forges post to (default `alerts.publicUrl`), to find its hooks by URL. */
        publicUrl: httpUrl.optional(),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** Audit entries older than this are deleted (hourly, with the inbox's); 0 keeps them forever. */
        retainDays: z.number().min(0).default(180),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** `auto`: human lines on a terminal, JSON lines otherwise (pipes, files, containers). */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict()
      .prefault({}),
    /** Outgoing alerts on threshold crossings and dead letters (README, section Alerts). */
    alerts: alertsSection,
    /** Read-only status pages for people outside the team (README, section Status page for customers). */
    status: z
      .object({
        /** HMAC-SHA256 key of the status links; usually from STATUS_SECRET (or _FILE). Unset: no status pages. Rotating it revokes every link. */
        secret: z.string().min(32, 'at least 32 characters').optional(),
        /** The service's public base URL the links start with; defaults to alerts.publicUrl. */
        publicUrl: httpUrl.optional(),
        /** How long a new link stays valid unless `status-link --days` says otherwise. */
        linkDays: z.number().int().min(1).max(366).default(30),
      })
      .strict()
      .prefault({}),
    /** Scheduled reports: the weekly digest (README, section Weekly digest). */
    reports: reportsSection,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type StageRule = z.infer<typeof stageRule>;
export type DurationDefinition = z.infer<typeof durationDefinition>;
export type DurationEvent = z.infer<typeof durationEvent>;
export type AlertReceiverConfig = z.infer<typeof alertReceiver>;
