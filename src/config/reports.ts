import { Cron } from 'croner';
import { z } from 'zod';

/** Every Monday at 08:00 in `reports.digest.timeZone`. */
export const DEFAULT_DIGEST_SCHEDULE = '0 8 * * 1';

/** Whether `zone` is an IANA time zone this runtime knows (Intl throws a RangeError otherwise). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** croner's own complaint about a pattern, or null when it takes it. */
export function scheduleProblem(pattern: string, timeZone: string): string | null {
  try {
    new Cron(pattern, { timezone: timeZone, paused: true }).nextRun();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

/** A forge issue on the project: one per period, or one pinned issue whose body is replaced. */
const forgeDestination = z
  .object({
    /** `new-issue`: one issue per period; `pinned`: one issue whose body each digest replaces. */
    mode: z.enum(['new-issue', 'pinned']).default('new-issue'),
    forge: z.enum(['gitlab', 'github']),
    /** GitLab project id or path; GitHub `owner/repo`. */
    project: z.string().min(1),
    /** Labels put on a new digest issue. */
    labels: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** SMTP through nodemailer; host, port, secure and the credentials usually come from SMTP_* (or _FILE). */
const emailDestination = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
  })
  .strict()
  .refine((email) => (email.user === undefined) === (email.password === undefined), {
    path: ['password'],
    message: 'SMTP user and password go together (SMTP_USER, SMTP_PASSWORD)',
  });

const digestSection = z
  .object({
    /** Under `serve`; `boardkeeper report` renders or sends one on demand either way. */
    enabled: z.boolean().default(true),
    /** A cron expression (croner: 5 or 6 fields), read in `timeZone`. */
    schedule: z.string().min(1).default(DEFAULT_DIGEST_SCHEDULE),
    /** IANA time zone of the schedule and of the weeks' boundaries (Monday 00:00 local). */
    timeZone: z.string().default('UTC').refine(isTimeZone, { error: 'an IANA time zone such as Europe/Berlin' }),
    /** `previous-week`: the ISO week before the one the digest is sent in; `week-to-date`: the one it is sent in, so far. */
    period: z.enum(['previous-week', 'week-to-date']).default('previous-week'),
    /** How long a replica's hold on the digest's store lease lasts (another takes over a dead one's after this). */
    leaseSeconds: z.number().positive().default(300),
    forge: forgeDestination.optional(),
    /** A Slack-compatible incoming webhook; usually from REPORTS_SLACK_URL (or _FILE). */
    slack: z.object({ url: httpUrl }).strict().optional(),
    email: emailDestination.optional(),
  })
  .strict()
  .superRefine((digest, context) => {
    if (!isTimeZone(digest.timeZone)) return;
    const problem = scheduleProblem(digest.schedule, digest.timeZone);
    if (problem)
      context.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: `not a cron expression croner accepts: ${problem}`,
      });
  });

/** Scheduled reports (src/reports): the weekly digest. */
export const reportsSection = z
  .object({ digest: digestSection.prefault({}) })
  .strict()
  .prefault({});

export type ReportsConfig = z.infer<typeof reportsSection>;
export type DigestConfig = ReportsConfig['digest'];
