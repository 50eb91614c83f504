/**
 * Generated hostile and malformed webhook requests, each paired with the answer the README documents
 * for its class. A recipe is plain data (so fast-check can generate, print and shrink it); `build`
 * turns it into a signed request. Everything starts from the real fixtures in test/fixtures.
 */
import fc from 'fast-check';
import { signStatusToken, type StatusGrant } from '../../src/status/token.js';
import { gitlabIssueNote } from '../support/comment-payloads.js';
import { gitlabIssueHook, githubFixture } from '../support/payloads.js';
import { GITHUB_SECRET, GITLAB_SECRET, githubHeaders, gitlabHeaders } from '../support/signing.js';

type ForgeName = 'github' | 'gitlab';

/** Distinctive values: a leak of any of them into a log line or a response is unmistakable. */
export const SECRETS = {
  githubWebhook: GITHUB_SECRET,
  gitlabWebhook: GITLAB_SECRET,
  githubToken: 'ghp_RELIABILITYgithubTOKEN0000000000000000x7',
  gitlabToken: 'glpat-RELIABILITYgitlabTOKENq4',
  metricsToken: 'metrics-RELIABILITY-token-5d1a',
  statusSecret: 'status-RELIABILITY-secret-0b7e-4c1d-9a2f-77aa',
};

/** Secrets configured the way a deployment would (environment names for a spawned server). */
export const SECRET_ENV = {
  GITHUB_WEBHOOK_SECRET: SECRETS.githubWebhook,
  GITLAB_WEBHOOK_SECRET: SECRETS.gitlabWebhook,
  GITHUB_TOKEN: SECRETS.githubToken,
  GITLAB_TOKEN: SECRETS.gitlabToken,
  METRICS_TOKEN: SECRETS.metricsToken,
  STATUS_SECRET: SECRETS.statusSecret,
};

export const SECRET_CONFIG = {
  github: { token: SECRETS.githubToken },
  gitlab: { token: SECRETS.gitlabToken },
  metricsToken: SECRETS.metricsToken,
  status: { secret: SECRETS.statusSecret },
};

/** The secrets that appear in any text, for a precise failure message. */
export function leakedSecrets(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

/** Fields the intake validates, with a predicate for values that are NOT acceptable there. */
const FIELDS: Record<ForgeName, { path: string[]; wrong: (value: unknown) => boolean }[]> = {
  github: [
    { path: ['action'], wrong: (v) => typeof v !== 'string' },
    { path: ['issue'], wrong: (v) => typeof v !== 'object' || v === null || Array.isArray(v) },
    { path: ['issue', 'id'], wrong: (v) => !Number.isInteger(v) },
    { path: ['issue', 'number'], wrong: (v) => !(Number.isInteger(v) && (v as number) > 0) },
    { path: ['issue', 'node_id'], wrong: (v) => typeof v !== 'string' || v.length === 0 },
    { path: ['issue', 'labels'], wrong: (v) => v !== null && v !== undefined && !Array.isArray(v) },
    { path: ['repository', 'full_name'], wrong: (v) => typeof v !== 'string' || v.length === 0 },
    { path: ['sender', 'login'], wrong: (v) => typeof v !== 'string' },
  ],
  gitlab: [
    { path: ['object_kind'], wrong: (v) => v !== 'issue' && v !== 'work_item' },
    { path: ['user', 'username'], wrong: (v) => typeof v !== 'string' },
    { path: ['project', 'id'], wrong: (v) => !Number.isInteger(v) },
    { path: ['object_attributes'], wrong: (v) => typeof v !== 'object' || v === null || Array.isArray(v) },
    { path: ['object_attributes', 'iid'], wrong: (v) => !(Number.isInteger(v) && (v as number) > 0) },
    { path: ['object_attributes', 'state'], wrong: (v) => typeof v !== 'string' },
    { path: ['labels'], wrong: (v) => v !== null && v !== undefined && !Array.isArray(v) },
  ],
};

/** Strings that have broken text handling somewhere before. */
const NASTY_TEXT = [
  '\uD800',
  'a\uDC00b',
  '\uDBFF\uDFFF',
  '\u202Eevil\u202C',
  'שלום stage::triage',
  '\u200B\u200C\u200D\uFEFF',
  'nul\u0000inside',
  '🧨💥 stage::🚀',
  '👩🏽‍💻',
  'e\u0301\u0301\u0301',
  '\r\n\t',
  '"quoted" \\ back',
  '</script><script>alert(1)</script>',
  "'; DROP TABLE inbox; --",
  `stage::${'x'.repeat(10_000)}`,
];
const text = fc.oneof(
  fc.constantFrom(...NASTY_TEXT),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
);

const forge = fc.constantFrom<ForgeName>('github', 'gitlab');
const wrongValue = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => `WRONG-${s}`),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

export type Recipe =
  | { kind: 'valid'; forge: ForgeName; issue: number }
  | { kind: 'unicode'; forge: ForgeName; where: 'title' | 'body' | 'label'; text: string }
  | { kind: 'bad-json'; forge: ForgeName; cut: number; junk: string }
  | { kind: 'wrong-type'; forge: ForgeName; field: number; value: unknown }
  | { kind: 'too-large'; forge: ForgeName; over: number }
  | { kind: 'deep'; forge: ForgeName; depth: number; asRoot: boolean; withoutId: boolean }
  | { kind: 'missing-header'; forge: ForgeName; header: 'auth' | 'event' | 'delivery' | 'content-type' }
  | {
      kind: 'bad-auth';
      forge: ForgeName;
      forgery: 'other-secret' | 'garbage' | 'sha1' | 'near-miss' | 'empty';
      noise: string;
    }
  | { kind: 'replay'; pick: number }
  | { kind: 'content-type'; forge: ForgeName; contentType: string }
  | { kind: 'ignored'; forge: ForgeName; event: string }
  | { kind: 'unknown-route'; path: string };

export const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  fc.record({ kind: fc.constant('valid' as const), forge, issue: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('unicode' as const),
    forge,
    where: fc.constantFrom('title' as const, 'body' as const, 'label' as const),
    text,
  }),
  fc.record({
    kind: fc.constant('bad-json' as const),
    forge,
    cut: fc.nat(),
    junk: fc.constantFrom('', '}', ',', '{{', 'undefined', '\u0000', "'"),
  }),
  fc.record({ kind: fc.constant('wrong-type' as const), forge, field: fc.nat(), value: wrongValue }).filter((r) => {
    const field = FIELDS[r.forge][r.field % FIELDS[r.forge].length]!;
    // Judged as sent: JSON turns NaN into null and -0 into 0.
    return field.wrong(JSON.parse(JSON.stringify(r.value)));
  }),
  fc.record({ kind: fc.constant('too-large' as const), forge, over: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({
    kind: fc.constant('deep' as const),
    forge,
    depth: fc.integer({ min: 100, max: 20_000 }),
    asRoot: fc.boolean(),
    withoutId: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('missing-header' as const),
    forge,
    header: fc.constantFrom('auth' as const, 'event' as const, 'delivery' as const, 'content-type' as const),
  }),
  fc.record({
    kind: fc.constant('bad-auth' as const),
    forge,
    forgery: fc.constantFrom(
      'other-secret' as const,
      'garbage' as const,
      'sha1' as const,
      'near-miss' as const,
      'empty' as const,
    ),
    noise: fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'x')),
  }),
  fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('content-type' as const),
    forge,
    contentType: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonp',
      'json',
    ),
  }),
  fc.record({
    kind: fc.constant('ignored' as const),
    forge,
    event: fc.constantFrom('push', 'issue_comment', 'ping', 'Push Hook', 'Note Hook', ''),
  }),
  fc.record({
    kind: fc.constant('unknown-route' as const),
    path: fc.constantFrom(
      '/webhooks/bitbucket',
      '/webhooks/',
      '/webhooks/GITHUB',
      '/webhooks/github/extra',
      '/webhook/gitlab',
    ),
  }),
);

/** A body for an event the service answers `ignored`: comment events carry one that is not an issue's activity. */
function ignoredBody(forge: ForgeName, event: string): unknown {
  if (forge === 'github')
    return githubFixture(
      event === 'ping' ? 'ping.event' : event === 'issue_comment' ? 'issue_comment.deleted' : 'push.event',
    );
  return event === 'Note Hook' ? gitlabIssueNote({ system: true }) : { object_kind: 'push' };
}

export interface Expected {
  status: number;
  /** Checks the parsed JSON answer beyond the status. */
  answer?: (json: Record<string, unknown>) => boolean;
}

export interface Attempt {
  kind: Recipe['kind'];
  url: string;
  headers: Record<string, string>;
  body: string;
  expected: Expected;
  /** Set when the service must store this delivery (answer 202) under this id. */
  storesAs?: string;
}

/** How many accepted deliveries are kept for replays: enough variety, bounded memory. */
const REPLAYABLE = 256;

/** Mutable state of one run: unique delivery ids and recently accepted deliveries (for replays). */
export class RequestFactory {
  private counter = 0;
  private readonly accepted: Attempt[] = [];

  constructor(
    private readonly runId: string,
    private readonly bodyLimitBytes: number,
  ) {}

  private nextId(): string {
    return `${this.runId}-${++this.counter}`;
  }

  /** A payload the service accepts, numbered so deliveries spread over issues. */
  private payload(forge: ForgeName, issue: number): Record<string, any> {
    if (forge === 'gitlab') return gitlabIssueHook({ iid: issue, title: `issue ${issue}` });
    const payload = githubFixture('issues.opened');
    payload.issue.number = issue;
    payload.issue.node_id = `${payload.issue.node_id}-${issue}`;
    return payload;
  }

  private async signed(forge: ForgeName, body: string, id: string, event?: string): Promise<Record<string, string>> {
    return forge === 'github' ? githubHeaders(event ?? 'issues', body, id) : gitlabHeaders(id, event ?? 'Issue Hook');
  }

  private accept(url: string, headers: Record<string, string>, body: string, id: string): Attempt {
    const attempt: Attempt = {
      kind: 'valid',
      url,
      headers,
      body,
      storesAs: id,
      expected: { status: 202, answer: (json) => json.queued === true && json.id === id },
    };
    this.accepted.push(attempt);
    if (this.accepted.length > REPLAYABLE) this.accepted.shift();
    return attempt;
  }

  /** A correctly signed request the service must refuse as `expected` says. */
  private async refused(forge: ForgeName, body: string, id: string, expected: Expected): Promise<Attempt> {
    return { kind: 'valid', url: `/webhooks/${forge}`, headers: await this.signed(forge, body, id), body, expected };
  }

  async build(recipe: Recipe): Promise<Attempt> {
    const attempt = await this.attempt(recipe);
    return { ...attempt, kind: recipe.kind };
  }

  private async attempt(recipe: Recipe): Promise<Attempt> {
    const id = this.nextId();
    switch (recipe.kind) {
      case 'valid': {
        const body = JSON.stringify(this.payload(recipe.forge, recipe.issue));
        return this.accept(`/webhooks/${recipe.forge}`, await this.signed(recipe.forge, body, id), body, id);
      }
      case 'unicode': {
        const payload = withText(this.payload(recipe.forge, 7), recipe);
        const body = JSON.stringify(payload);
        return this.accept(`/webhooks/${recipe.forge}`, await this.signed(recipe.forge, body, id), body, id);
      }
      case 'bad-json': {
        const valid = JSON.stringify(this.payload(recipe.forge, 1));
        // Never empty: a signed empty body is refused as unsigned (401) by the verifier, a different class.
        const cut = valid.slice(0, 1 + (recipe.cut % (valid.length - 1))) + recipe.junk;
        const body = parses(cut) ? `${cut},` : cut;
        return this.refused(recipe.forge, body, id, {
          status: 400,
          answer: (json) => json.error === 'body is not valid JSON',
        });
      }
      case 'wrong-type': {
        const field = FIELDS[recipe.forge][recipe.field % FIELDS[recipe.forge].length]!;
        const payload = this.payload(recipe.forge, 3);
        setPath(payload, field.path, recipe.value);
        const body = JSON.stringify(payload);
        const path = field.path.join('.');
        return this.refused(recipe.forge, body, id, {
          status: 400,
          answer: (json) =>
            json.error === 'payload rejected' &&
            typeof json.detail === 'string' &&
            json.detail.startsWith(path) &&
            !json.detail.includes('WRONG-'),
        });
      }
      case 'too-large': {
        const body = JSON.stringify({
          ...this.payload(recipe.forge, 1),
          padding: 'x'.repeat(this.bodyLimitBytes + recipe.over),
        });
        return this.refused(recipe.forge, body, id, { status: 413, answer: (json) => json.error === 'body too large' });
      }
      case 'deep': {
        const nested = '['.repeat(recipe.depth) + ']'.repeat(recipe.depth);
        const valid = JSON.stringify({ ...this.payload(recipe.forge, 5), marker: id });
        const body = recipe.asRoot ? nested : `${valid.slice(0, -1)},"nested":${nested}}`;
        if (recipe.asRoot)
          return this.refused(recipe.forge, body, id, {
            status: 400,
            answer: (json) => json.error === 'payload rejected',
          });
        const headers = await this.signed(recipe.forge, body, id);
        if (recipe.forge === 'gitlab' && recipe.withoutId) {
          // No X-Gitlab-Event-UUID: the id is a digest of the body, which the marker makes unique.
          const { 'x-gitlab-event-uuid': _none, ...rest } = headers;
          return {
            kind: recipe.kind,
            url: '/webhooks/gitlab',
            headers: rest,
            body,
            expected: { status: 202, answer: (json) => typeof json.id === 'string' && json.id.startsWith('sha256:') },
          };
        }
        return this.accept(`/webhooks/${recipe.forge}`, headers, body, id);
      }
      case 'missing-header': {
        const body = JSON.stringify(this.payload(recipe.forge, 2));
        const headers = await this.signed(recipe.forge, body, id);
        const name = MISSING[recipe.forge][recipe.header];
        if (!name) return this.accept(`/webhooks/${recipe.forge}`, headers, body, id);
        const { [name]: _dropped, ...rest } = headers;
        return {
          kind: recipe.kind,
          url: `/webhooks/${recipe.forge}`,
          headers: rest,
          body,
          expected: MISSING_ANSWER[recipe.header],
        };
      }
      case 'bad-auth': {
        const body = JSON.stringify(this.payload(recipe.forge, 2));
        const headers = await this.signed(recipe.forge, body, id);
        const forged = await forgeCredential(recipe, body);
        const name = recipe.forge === 'github' ? 'x-hub-signature-256' : 'x-gitlab-token';
        return {
          kind: recipe.kind,
          url: `/webhooks/${recipe.forge}`,
          headers: { ...headers, [name]: forged },
          body,
          expected: {
            status: 401,
            answer: (json) => JSON.stringify(json) === '{"error":"unauthorized","code":"BK_WEBHOOK_BAD_SIGNATURE"}',
          },
        };
      }
      case 'replay': {
        const original = this.accepted[recipe.pick % Math.max(this.accepted.length, 1)];
        if (!original) return this.attempt({ kind: 'valid', forge: 'github', issue: 1 });
        const storedId = original.storesAs!;
        return {
          ...original,
          storesAs: undefined,
          expected: { status: 200, answer: (json) => json.duplicate === true && json.id === storedId },
        };
      }
      case 'content-type': {
        const body = JSON.stringify(this.payload(recipe.forge, 2));
        const headers = await this.signed(recipe.forge, body, id);
        return {
          kind: recipe.kind,
          url: `/webhooks/${recipe.forge}`,
          headers: { ...headers, 'content-type': recipe.contentType },
          body,
          expected: { status: 415, answer: (json) => json.error === 'unsupported content type' },
        };
      }
      case 'ignored': {
        const isPing = recipe.forge === 'github' && recipe.event === 'ping';
        const body = JSON.stringify(ignoredBody(recipe.forge, recipe.event));
        const event = recipe.event;
        return {
          kind: recipe.kind,
          url: `/webhooks/${recipe.forge}`,
          headers: await this.signed(recipe.forge, body, id, event),
          body,
          expected: { status: 200, answer: (json) => (isPing ? json.pong === true : typeof json.ignored === 'string') },
        };
      }
      case 'unknown-route': {
        const body = JSON.stringify(this.payload('github', 1));
        return {
          kind: recipe.kind,
          url: recipe.path,
          headers: await this.signed('github', body, id),
          body,
          expected: { status: 404 },
        };
      }
    }
  }
}

/** The header each forge would miss; null where a missing header is not an error (GitLab derives an id). */
const MISSING: Record<ForgeName, Record<'auth' | 'event' | 'delivery' | 'content-type', string | null>> = {
  github: {
    auth: 'x-hub-signature-256',
    event: 'x-github-event',
    delivery: 'x-github-delivery',
    'content-type': 'content-type',
  },
  gitlab: { auth: 'x-gitlab-token', event: 'x-gitlab-event', delivery: null, 'content-type': 'content-type' },
};

const MISSING_ANSWER: Record<'auth' | 'event' | 'delivery' | 'content-type', Expected> = {
  auth: { status: 401, answer: (json) => json.error === 'unauthorized' },
  event: { status: 200, answer: (json) => json.ignored === "event '(none)' is not handled" },
  delivery: { status: 400, answer: (json) => json.detail === 'X-GitHub-Delivery header is missing' },
  'content-type': { status: 415 },
};

async function forgeCredential(recipe: Extract<Recipe, { kind: 'bad-auth' }>, body: string): Promise<string> {
  const real =
    recipe.forge === 'github' ? (await githubHeaders('issues', body, 'x'))['x-hub-signature-256'] : GITLAB_SECRET;
  switch (recipe.forgery) {
    case 'other-secret':
      return recipe.forge === 'github'
        ? (await githubHeaders('issues', body, 'x', recipe.noise))['x-hub-signature-256']
        : recipe.noise;
    case 'garbage':
      return `sha256=${recipe.noise}`;
    case 'sha1':
      return `sha1=${real.slice('sha256='.length, 'sha256='.length + 40)}`;
    case 'near-miss':
      return real.slice(0, -1) + (real.endsWith('0') ? '1' : '0');
    case 'empty':
      return ' ';
  }
}

function withText(payload: Record<string, any>, recipe: Extract<Recipe, { kind: 'unicode' }>): Record<string, any> {
  if (recipe.forge === 'github') {
    if (recipe.where === 'title') payload.issue.title = recipe.text;
    if (recipe.where === 'body') payload.issue.body = recipe.text;
    if (recipe.where === 'label')
      payload.issue.labels = [{ ...githubFixture('issues.labeled').label, name: recipe.text }];
    return payload;
  }
  const { where, text } = recipe;
  return gitlabIssueHook({
    iid: 7,
    title: where === 'title' ? text : undefined,
    description: where === 'body' ? text : undefined,
    labels: where === 'label' ? [text] : undefined,
  });
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function setPath(target: Record<string, any>, path: string[], value: unknown): void {
  const parent = path.slice(0, -1).reduce((node, key) => node[key], target);
  parent[path[path.length - 1]!] = value;
}

/** Links to `/status/*` that must all answer the same bare 404: each starts from a valid link, or from none. */
export type StatusRecipe =
  | { kind: 'mutated'; position: number; byte: number }
  | { kind: 'truncated'; keep: number }
  | { kind: 'extended'; suffix: string }
  | { kind: 'expired'; secondsAgo: number }
  | { kind: 'other-secret'; secret: string }
  | { kind: 'unrecorded-issue'; iid: number }
  | { kind: 'junk'; text: string }
  | { kind: 'malformed-escape'; path: string }
  | { kind: 'long'; length: number }
  | { kind: 'other-method'; method: 'POST' | 'PUT' | 'DELETE' | 'PATCH' };

export const statusRecipe: fc.Arbitrary<StatusRecipe> = fc.oneof(
  fc.record({ kind: fc.constant('mutated' as const), position: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncated' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constant('extended' as const),
    suffix: fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(...'AZaz09-_.=/'.split('')) }),
  }),
  fc.record({ kind: fc.constant('expired' as const), secondsAgo: fc.integer({ min: 0, max: 400 * 86_400 }) }),
  fc.record({ kind: fc.constant('other-secret' as const), secret: fc.string({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('unrecorded-issue' as const), iid: fc.integer({ min: 2, max: 1_000_000 }) }),
  fc.record({ kind: fc.constant('junk' as const), text }),
  fc.record({
    kind: fc.constant('malformed-escape' as const),
    path: fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4', '%C0%AF', '%FF', 'a%2', '%u0041'),
  }),
  fc.record({ kind: fc.constant('long' as const), length: fc.integer({ min: 101, max: 20_000 }) }),
  fc.record({
    kind: fc.constant('other-method' as const),
    method: fc.constantFrom('POST' as const, 'PUT' as const, 'DELETE' as const, 'PATCH' as const),
  }),
);

/** Every byte percent-encoded: any text, lone surrogates included, becomes a path segment that decodes. */
const percentEncoded = (value: string) =>
  [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

/** The request a recipe makes, from the one valid grant (an issue with a recorded history) the suite seeds. */
export function statusAttempt(
  recipe: StatusRecipe,
  grant: StatusGrant,
  secret: string,
  now: Date,
): { method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; url: string } {
  const valid = signStatusToken(grant, secret);
  const get = (token: string) => ({ method: 'GET' as const, url: `/status/${token}` });
  switch (recipe.kind) {
    case 'mutated': {
      const index = recipe.position % valid.length;
      const changed = String.fromCharCode(recipe.byte);
      // A byte that spells the same character is no change; the next one is.
      const byte = changed === valid[index] ? (recipe.byte + 1) % 256 : recipe.byte;
      return get(`${valid.slice(0, index)}${percentEncoded(String.fromCharCode(byte))}${valid.slice(index + 1)}`);
    }
    case 'truncated':
      return get(valid.slice(0, recipe.keep % valid.length));
    case 'extended':
      return get(`${valid}${recipe.suffix}`);
    case 'expired':
      return get(signStatusToken({ ...grant, expiresAt: new Date(now.getTime() - recipe.secondsAgo * 1000) }, secret));
    case 'other-secret':
      return get(signStatusToken(grant, recipe.secret === secret ? `${secret}!` : recipe.secret));
    case 'unrecorded-issue':
      return get(signStatusToken({ ...grant, issue: { ...grant.issue, iid: recipe.iid } }, secret));
    case 'junk':
      return get(percentEncoded(recipe.text));
    case 'malformed-escape':
      return get(recipe.path);
    case 'long':
      return get('A'.repeat(recipe.length));
    case 'other-method':
      return { method: recipe.method, url: `/status/${valid}` };
  }
}
