import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { dashboardQuery } from '../../dashboard/query.js';
import { auditQuerySchema } from '../../forges/audit-query.js';
import { githubIssuesSchema, githubProjectItemSchema } from '../../forges/github/payload.js';
import { gitlabIssueHookSchema } from '../../forges/gitlab/payload.js';
import { querySchema } from '../../metrics/table/filter.js';
import { metricsSettings } from '../../metrics/durations/settings.js';
import { UNSTAGED } from '../../metrics/durations/walk.js';
import { issueParams } from '../metrics.js';
import {
  auditAnswerSchema,
  badAuditQuerySchema,
  badParameterSchema,
  badPayloadSchema,
  errorSchema,
  healthSchema,
  issueReportSchema,
  metricsReportSchema,
  notReadySchema,
  readySchema,
  webhookSettledSchema,
  webhookStoredSchema,
} from './responses.js';

type Json = Record<string, unknown>;

/** Builds one document: schemas with an `id` become components, referenced from every use. */
class Components {
  readonly schemas: Record<string, Json> = {};

  /**
   * The JSON Schema (2020-12, OpenAPI 3.1's dialect) of a zod schema. `input` describes what a
   * caller may send (defaults make fields optional), `output` what the service answers.
   */
  schema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Json {
    const {
      $schema: _dialect,
      $defs,
      ...root
    } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json & {
      $defs?: Record<string, Json>;
    };
    for (const [id, definition] of Object.entries($defs ?? {})) this.schemas[id] = relocate(definition);
    const id = z.globalRegistry.get(schema)?.id;
    if (!id) return relocate(root);
    const reference = `#/components/schemas/${id}`;
    // A schema that refers to itself gets its body in `$defs` and a reference as its root.
    const body = relocate(root);
    if (body.$ref !== reference) this.schemas[id] = body;
    return { $ref: reference };
  }

  /** Each property of an object schema as one parameter (`token` is the security scheme's, not a parameter). */
  parameters(schema: z.ZodType, where: 'query' | 'path', descriptions: Record<string, string> = {}): Json[] {
    const { properties = {}, required = [] } = this.schema(schema, 'input') as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    return Object.entries(properties)
      .filter(([name]) => name !== 'token')
      .map(([name, property]) => ({
        name,
        in: where,
        required: where === 'path' || required.includes(name),
        ...(descriptions[name] ? { description: descriptions[name] } : {}),
        schema: property,
      }));
  }
}

/** zod puts shared definitions under the schema's own `$defs`; in the document they live in components. */
function relocate(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
}

const json = (schema: Json) => ({ 'application/json': { schema } });
const text = (mediaType: string, description: string) => ({ [mediaType]: { schema: { type: 'string', description } } });
const answer = (description: string, content?: Json, headers?: Json) => ({
  description,
  ...(content ? { content } : {}),
  ...(headers ? { headers } : {}),
});

/** Behind `METRICS_TOKEN` when one is set (bearer header or `?token=`); open otherwise. */
const METRICS_SECURITY = [{ metricsToken: [] }, { metricsTokenQuery: [] }, {}];

/**
 * The OpenAPI 3.1 description of every endpoint, generated from the zod schemas the routes validate
 * their input with (query strings, path parameters, webhook bodies) and the response schemas of
 * ./responses.ts. Served at GET /openapi.json.
 */
export function openApiDocument(config: Config): Json {
  const c = new Components();
  const settings = metricsSettings(config);
  const stages = [...new Set([...settings.stageOrder, ...settings.terminalStages, UNSTAGED])];
  const error = c.schema(errorSchema);
  const unauthorised = answer(
    '`METRICS_TOKEN` is set and the request carries no valid bearer token (no detail)',
    json(error),
  );
  const issuePath = c.parameters(issueParams, 'path', {
    project: 'GitLab project id or path, GitHub owner/repo: URL-encoded (`acme%2Fweb`)',
  });
  const webhookAnswers = (signature: string) => ({
    '200': answer(
      'a repeated delivery id, an event boardkeeper does not handle, or a ping',
      json(c.schema(webhookSettledSchema)),
    ),
    '202': answer('stored durably; processed by the worker', json(c.schema(webhookStoredSchema))),
    '400': answer(
      'malformed JSON or a payload of the wrong shape (names the field, never echoes the body)',
      json(c.schema(badPayloadSchema)),
    ),
    '401': answer(`bad or missing ${signature} (no detail)`, json(error)),
    '413': answer('body over `server.bodyLimitBytes`', json(error)),
    '415': answer('not `application/json`', json(error)),
    '503': answer('the store cannot write; the forge retries', json(error), {
      'Retry-After': { schema: { type: 'integer' } },
    }),
  });
  const header = (name: string, description: string, required = true) => ({
    name,
    in: 'header',
    required,
    description,
    schema: { type: 'string' },
  });

  const paths: Record<string, Json> = {
    '/webhooks/gitlab': {
      post: {
        summary: 'A GitLab Issue Hook (or Work Item) delivery',
        parameters: [
          header('X-Gitlab-Token', 'the webhook secret, compared in constant time'),
          header('X-Gitlab-Event', 'e.g. `Issue Hook`'),
          header('X-Gitlab-Event-UUID', 'the delivery id (else `Idempotency-Key`, else a digest of the body)', false),
        ],
        requestBody: { required: true, content: json(c.schema(gitlabIssueHookSchema, 'input')) },
        responses: webhookAnswers('`X-Gitlab-Token`'),
      },
    },
    '/webhooks/github': {
      post: {
        summary: 'A GitHub `issues` or `projects_v2_item` delivery (`ping` is answered 200)',
        parameters: [
          header('X-Hub-Signature-256', 'HMAC-SHA256 of the raw body with the webhook secret'),
          header('X-GitHub-Event', '`issues`, `projects_v2_item` or `ping`'),
          header('X-GitHub-Delivery', 'the delivery id'),
        ],
        requestBody: {
          required: true,
          content: json({ anyOf: [c.schema(githubIssuesSchema, 'input'), c.schema(githubProjectItemSchema, 'input')] }),
        },
        responses: webhookAnswers('`X-Hub-Signature-256`'),
      },
    },
    '/metrics': {
      get: {
        summary: 'Engagement durations, as JSON (default), Prometheus text or CSV',
        description:
          '`Accept: text/plain` or `?format=prometheus` for Prometheus, `?format=csv` for one row per engagement. A bad value answers 400 naming the parameter.',
        security: METRICS_SECURITY,
        parameters: c.parameters(querySchema(stages), 'query', {
          stage: `current stage, one of: ${stages.join(', ')}`,
          from: 'issues created on or after (ISO date or date-time)',
          to: 'issues created before (a date is inclusive)',
          limit: 'rows per engagement list in the JSON report (default 100)',
          assignee: 'a login among the current assignees',
        }),
        responses: {
          '200': answer('the report', {
            ...json(c.schema(metricsReportSchema)),
            ...text('text/plain', 'Prometheus exposition (version 0.0.4)'),
            ...text('text/csv', 'one row per engagement'),
          }),
          '400': answer('a parameter that cannot be served', json(c.schema(badParameterSchema))),
          '401': unauthorised,
        },
      },
    },
    '/metrics/issues/{forge}/{project}/{iid}': {
      get: {
        summary: "One issue's timeline, durations, assignees and go-live forecast",
        security: METRICS_SECURITY,
        parameters: issuePath,
        responses: {
          '200': answer('the issue report', json(c.schema(issueReportSchema))),
          '400': answer('a path parameter that is not valid', json(c.schema(badParameterSchema))),
          '401': unauthorised,
          '404': answer('nothing recorded for this issue', json(error)),
        },
      },
    },
    '/metrics/service': {
      get: {
        summary: "The service's own Prometheus metrics",
        security: METRICS_SECURITY,
        responses: {
          '200': answer('Prometheus exposition', text('text/plain', 'Prometheus exposition')),
          '401': unauthorised,
        },
      },
    },
    '/audit': {
      get: {
        summary: 'Executed (or, in dry-run, planned) forge actions, newest first',
        security: METRICS_SECURITY,
        parameters: c.parameters(auditQuerySchema, 'query'),
        responses: {
          '200': answer('audit entries', json(c.schema(auditAnswerSchema))),
          '400': answer('a filter that is not valid', json(c.schema(badAuditQuerySchema))),
          '401': unauthorised,
        },
      },
    },
    '/dashboard': {
      get: {
        summary: 'The dashboard (HTML, works without JavaScript)',
        security: METRICS_SECURITY,
        parameters: c.parameters(dashboardQuery, 'query'),
        responses: {
          '200': answer('the page', text('text/html', 'HTML')),
          '400': answer(
            'a filter that is not valid: a page saying which, with the way back',
            text('text/html', 'HTML'),
          ),
          '401': unauthorised,
        },
      },
    },
    '/dashboard/issues/{forge}/{project}/{iid}': {
      get: {
        summary: 'Redirects to the issue on its forge (the dashboard’s issue links)',
        security: METRICS_SECURITY,
        parameters: issuePath,
        responses: {
          '302': answer('to the issue on its forge', undefined, {
            Location: { schema: { type: 'string', format: 'uri' } },
          }),
          '401': unauthorised,
          '404': answer('not an issue reference', json(error)),
        },
      },
    },
    '/dashboard/assets/{name}': {
      get: {
        summary: "The dashboard's stylesheet, script and icon (public: they hold no data)",
        parameters: [
          {
            name: 'name',
            in: 'path',
            required: true,
            schema: { type: 'string', enum: ['dashboard.css', 'dashboard.js', 'icon.svg'] },
          },
        ],
        responses: {
          '200': answer('the file', {
            ...text('text/css', 'CSS'),
            ...text('text/javascript', 'JavaScript'),
            ...text('image/svg+xml', 'SVG'),
          }),
          '404': answer('no such asset', json(error)),
        },
      },
    },
    '/status/{token}': {
      get: {
        summary: "One engagement's read-only status page, for its customer",
        description:
          'No metrics token: the signed link (`boardkeeper status-link`) is the credential. Every failure — no `status.secret`, a malformed, changed, expired or revoked token, nothing recorded — answers the same plain 404. `X-Robots-Tag: noindex`.',
        parameters: [
          {
            name: 'token',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$' },
          },
        ],
        responses: {
          '200': answer('the page', text('text/html', 'HTML')),
          '404': answer('not found (no detail)', json(error)),
        },
      },
    },
    '/healthz': {
      get: { summary: 'The process answers', responses: { '200': answer('alive', json(c.schema(healthSchema))) } },
    },
    '/readyz': {
      get: {
        summary: 'Ready when the store answers and the worker runs',
        responses: {
          '200': answer('ready', json(c.schema(readySchema))),
          '503': answer('not ready: the failing check', json(c.schema(notReadySchema))),
        },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', responses: { '200': answer('OpenAPI 3.1', json({ type: 'object' })) } },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'boardkeeper',
      version: '1',
      description:
        'Webhook service that keeps a professional-services issue board honest on GitLab and GitHub (README, HTTP endpoints).',
    },
    paths,
    components: {
      schemas: c.schemas,
      securitySchemes: {
        metricsToken: { type: 'http', scheme: 'bearer', description: '`METRICS_TOKEN`, when set' },
        metricsTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: '`METRICS_TOKEN` as `?token=`, so a browser can open the dashboard',
        },
      },
    },
  };
}
