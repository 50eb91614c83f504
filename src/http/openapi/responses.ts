/**
 * The answers of the HTTP endpoints as zod schemas, for the OpenAPI description only (the routes
 * build their answers from the typed metrics and store functions). Each schema is checked against
 * the TypeScript type it describes at compile time (`Describes` below), and against real answers by
 * test/unit/http/openapi.test.ts, so neither can drift from the other unnoticed.
 */
import { BURN_BUCKETS, type BurnBucket } from '../../domain/effort.js';
import { z } from 'zod';
import type { AuditEntry } from '../../domain/types.js';
import type { IssueReport, MetricsReport } from '../../metrics/contract.js';
import { HTTP_ERRORS, type HttpErrorCode } from '../errors.js';

/** Compiles only when the schema's output is exactly `T` (each assignable to the other). */
type Describes<Schema extends z.ZodType, T> = [z.infer<Schema>] extends [T]
  ? [T] extends [z.infer<Schema>]
    ? true
    : never
  : never;
function describes<T>() {
  return <Schema extends z.ZodType>(schema: Schema, _proof: Describes<Schema, T>): Schema => schema;
}

const forge = z.enum(['gitlab', 'github']);
const seconds = z.number().describe('seconds');
const iso = z.string().describe('ISO 8601 instant, UTC');
const hours = z.number().nullable().describe('hours; null when none');
const burn = z
  .number()
  .nullable()
  .describe('time spent over hours sold (or estimated), 0.8 = 80 %; null without either');
const targetStatus = z.enum(['met', 'on-track', 'at-risk', 'breached']);
const lastActivity = iso
  .nullable()
  .describe("a person's last change or comment (the bot's own do not count); null when unknown");

const stats = z
  .object({
    count: z.number().int(),
    mean: seconds.nullable(),
    median: seconds.nullable(),
    p75: seconds.nullable(),
    p90: seconds.nullable(),
    min: seconds.nullable(),
    max: seconds.nullable(),
  })
  .meta({ id: 'Stats', description: 'Percentiles interpolate linearly between ranks; all null when count is 0.' });

const group = z.object({ key: z.string(), finished: stats, open: z.number().int() }).meta({ id: 'Group' });

const durationReport = z
  .object({
    name: z.string(),
    targetSeconds: seconds.nullable(),
    finished: stats,
    withinTarget: z.number().min(0).max(1).nullable(),
    finishedActive: stats,
    open: z.object({
      count: z.number().int(),
      elapsed: stats,
      byStatus: z.object({ 'on-track': z.number().int(), 'at-risk': z.number().int(), breached: z.number().int() }),
    }),
    stopped: z.number().int(),
    byKind: z.array(group),
    bySegment: z.array(group),
    byStage: z.array(group),
    byMonth: z.array(group),
  })
  .meta({ id: 'DurationReport' });

const stageReport = z
  .object({
    stage: z.string(),
    finished: stats,
    visits: z.number().int(),
    current: z.object({ count: z.number().int(), elapsed: stats }),
  })
  .meta({ id: 'StageReport' });

const forecast = z
  .discriminatedUnion('status', [
    z.object({
      status: z.literal('forecast'),
      p50: z.string().describe('UTC day, YYYY-MM-DD'),
      p85: z.string().describe('UTC day, YYYY-MM-DD'),
      chanceWithinTarget: z.number().min(0).max(1).nullable(),
      targetDays: z.number().nullable(),
      samples: z.number().int(),
      basis: z.enum(['kind-and-segment', 'kind', 'all']),
    }),
    z.object({ status: z.literal('too-little-history'), samples: z.number().int(), minimumHistory: z.number().int() }),
  ])
  .meta({ id: 'Forecast', description: 'Monte Carlo go-live forecast of an open engagement (README, Forecasts).' });

const engagement = {
  forge,
  project: z.string(),
  iid: z.number().int(),
  title: z.string().nullable(),
  assignees: z.array(z.string()),
  kind: z.string().nullable(),
  segment: z.string().nullable(),
  start: iso,
  seconds,
  activeSeconds: seconds,
  days: z.number(),
  targetDays: z.number().nullable(),
  status: targetStatus.nullable(),
};

const forecastBucket = z.enum(['likely', 'uncertain', 'unlikely', 'no-target', 'too-little-history']);

export const metricsReportSchema = describes<MetricsReport>()(
  z
    .object({
      version: z.literal(1),
      generatedAt: iso,
      unit: z.literal('seconds'),
      measure: z.enum(['calendar', 'business']),
      filter: z.record(z.string(), z.string()),
      issues: z.object({
        total: z.number().int(),
        open: z.number().int(),
        closed: z.number().int(),
        stale: z.number().int(),
        suggestLost: z.number().int(),
        byStage: z.array(z.object({ stage: z.string(), count: z.number().int() })),
      }),
      durations: z.array(durationReport),
      stages: z.array(stageReport),
      kpi: z.object({
        name: z.string(),
        targetDays: z.number().nullable(),
        atRiskAfterDays: z.number().nullable(),
        finished: z.array(z.object({ ...engagement, end: iso }).meta({ id: 'FinishedEngagement' })),
        open: z.array(
          z
            .object({ ...engagement, stage: z.string().nullable(), lastActivity, burn, forecast: forecast.nullable() })
            .meta({ id: 'OpenEngagement' }),
        ),
        trend: z.array(
          z.object({ month: z.string(), count: z.number().int(), median: seconds.nullable(), p90: seconds.nullable() }),
        ),
      }),
      forecast: z.object({
        minimumHistory: z.number().int(),
        draws: z.number().int(),
        byBucket: z.object(
          Object.fromEntries(forecastBucket.options.map((bucket) => [bucket, z.number().int()])) as Record<
            z.infer<typeof forecastBucket>,
            z.ZodNumber
          >,
        ),
      }),
      byAssignee: z.array(
        z.object({
          assignee: z.string(),
          open: z.number().int(),
          atRisk: z.number().int(),
          breached: z.number().int(),
          finished: z.number().int(),
          finishedMedian: seconds.nullable(),
        }),
      ),
      effort: z.object({
        spentHours: z.number(),
        byBurn: z.object(
          Object.fromEntries(BURN_BUCKETS.map((bucket) => [bucket, z.number().int()])) as Record<
            BurnBucket,
            z.ZodNumber
          >,
        ),
      }),
    })
    .meta({
      id: 'MetricsReport',
      description: 'The /metrics JSON contract, version 1 (src/metrics/types.ts): fields are added, never renamed.',
    }),
  true,
);

const durationResult = z
  .object({
    state: z.enum(['finished', 'open', 'stopped']),
    start: iso,
    end: iso.nullable(),
    seconds,
    activeSeconds: seconds,
    targetSeconds: seconds.nullable(),
    status: targetStatus.nullable(),
  })
  .meta({ id: 'DurationResult' });

export const issueReportSchema = describes<IssueReport>()(
  z
    .object({
      version: z.literal(1),
      forge,
      project: z.string(),
      iid: z.number().int(),
      generatedAt: iso,
      unit: z.literal('seconds'),
      kind: z.string().nullable(),
      segment: z.string().nullable(),
      state: z.enum(['open', 'closed']),
      stage: z.string().nullable(),
      assignees: z.array(z.string()),
      openSeconds: seconds,
      lastActivity,
      stale: z.boolean(),
      suggestLost: z.boolean(),
      spentHours: hours,
      estimateHours: hours,
      soldHours: hours,
      burn,
      timeline: z.array(z.object({ stage: z.string(), from: iso, to: iso, seconds, paused: z.boolean() })),
      stageSeconds: z.record(z.string(), seconds),
      durations: z.record(z.string(), durationResult),
      transitions: z.array(
        z.object({ from: z.string().nullable(), to: z.string(), at: iso, actor: z.string(), source: z.string() }),
      ),
      forecast: forecast.nullable(),
      effortHistory: z.array(z.object({ at: iso, spentHours: hours, estimateHours: hours })),
    })
    .meta({ id: 'IssueReport' }),
  true,
);

export const auditAnswerSchema = z
  .object({
    entries: z.array(
      describes<AuditEntry>()(
        z.object({
          at: iso,
          deliveryId: z.string().nullable(),
          forge,
          project: z.string(),
          iid: z.number().int(),
          action: z.string(),
          detail: z.unknown(),
          result: z.string().describe('planned (dry-run), applied, skipped or failed'),
          apiCalls: z.number().int(),
          latencyMs: z.number(),
        }),
        true,
      ).meta({ id: 'AuditEntry' }),
    ),
  })
  .meta({ id: 'AuditAnswer', description: 'Newest first.' });

/**
 * Every error answer: a short reason, never the request's body; more fields may follow (a stable
 * `code`, the parameter at fault), so the object is open.
 */
const errorCode = z
  .enum(Object.keys(HTTP_ERRORS) as [HttpErrorCode, ...HttpErrorCode[]])
  .describe('stable: branch on it, not on `error` (docs/http-errors.md); also in the boardkeeper-error-code header');
const errorFields = { error: z.string(), code: errorCode.optional() };

export const errorSchema = z.looseObject(errorFields).meta({ id: 'Error' });

export const badParameterSchema = z
  .looseObject({ ...errorFields, parameter: z.string(), message: z.string() })
  .meta({ id: 'BadParameter', description: 'A query or path parameter that cannot be served, named.' });

export const badAuditQuerySchema = z
  .looseObject({ ...errorFields, issues: z.array(z.string()) })
  .meta({ id: 'BadAuditQuery' });

export const badPayloadSchema = z
  .looseObject({ ...errorFields, detail: z.string().optional() })
  .meta({ id: 'BadPayload' });

export const healthSchema = z.object({ status: z.literal('ok') });

const checks = z.record(z.string(), z.string().describe('ok, or what fails: unreachable, stopped'));
export const readySchema = z.object({ status: z.literal('ready'), checks }).meta({ id: 'Ready' });
export const notReadySchema = z
  .object({ status: z.literal('not ready'), checks, code: z.literal('BK_NOT_READY') })
  .meta({ id: 'NotReady' });

export const webhookStoredSchema = z.object({ queued: z.literal(true), id: z.string() });
export const webhookSettledSchema = z.union([
  z.object({ duplicate: z.literal(true), id: z.string() }).describe('a delivery id seen before: processed once'),
  z.object({ ignored: z.string() }).describe('an event boardkeeper does not handle'),
  z.object({ pong: z.literal(true) }).describe("GitHub's ping"),
]);
