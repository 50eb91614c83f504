import { z } from 'zod';

/** The policies boardkeeper ships (src/policies/defaults.ts); config may override or switch off each by name. */
export const DEFAULT_POLICY_NAMES = [
  'implementation-at-risk',
  'implementation-breached',
  'implementation-sla-cleared',
  'stale',
  'suggest-lost',
  'effort-burn',
] as const;

/** Whole days, `atLeast` inclusive and `below` exclusive. */
const dayRange = z
  .object({ atLeast: z.number().min(0).optional(), below: z.number().positive().optional() })
  .strict()
  .refine((range) => range.atLeast !== undefined || range.below !== undefined, 'give atLeast, below or both');

export type DayRange = z.infer<typeof dayRange>;

/** Shares such as burn (0.8 = 80 %), `atLeast` inclusive and `below` exclusive. */
const shareRange = z
  .object({ atLeast: z.number().min(0).optional(), below: z.number().positive().optional() })
  .strict()
  .refine((range) => range.atLeast !== undefined || range.below !== undefined, 'give atLeast, below or both');

export type ShareRange = z.infer<typeof shareRange>;

export const TARGET_STATUSES = ['on-track', 'at-risk', 'breached', 'met'] as const;

/** Every condition given must hold; `any` holds when one of its conditions does, `not` when its condition does not. */
export interface PolicyCondition {
  /** The duration definition `status`, `running` and `elapsedDays` are about (default: `durations.kpi`). */
  duration?: string;
  status?: (typeof TARGET_STATUSES)[number][];
  /** The duration has started and neither ended nor stopped (issue closed). */
  running?: boolean;
  elapsedDays?: DayRange;
  /** Days since a person last changed the issue (the bot's own changes do not count). */
  idleDays?: DayRange;
  /** Time spent over the hours sold (or estimated); an issue without a burn never matches. */
  burn?: ShareRange;
  stage?: string[];
  kind?: string[];
  open?: boolean;
  labelsPresent?: string[];
  labelsAbsent?: string[];
  any?: PolicyCondition[];
  not?: PolicyCondition;
}

const names = z.array(z.string().min(1)).min(1);

export const policyCondition: z.ZodType<PolicyCondition> = z.lazy(() =>
  z
    .object({
      duration: z.string().min(1).optional(),
      status: z.array(z.enum(TARGET_STATUSES)).min(1).optional(),
      running: z.boolean().optional(),
      elapsedDays: dayRange.optional(),
      idleDays: dayRange.optional(),
      burn: shareRange.optional(),
      stage: names.optional(),
      kind: names.optional(),
      open: z.boolean().optional(),
      labelsPresent: names.optional(),
      labelsAbsent: names.optional(),
      any: z.array(policyCondition).min(1).optional(),
      not: policyCondition.optional(),
    })
    .strict(),
);

/** The alert kinds a policy may send (dead letters come from the worker). */
export const POLICY_ALERT_KINDS = ['at-risk', 'breached', 'stale', 'suggest-lost', 'over-burn'] as const;

/**
 * What a policy does. A comment is found again by its marker (one per marker, updated in place);
 * its body may use {mentions} {elapsedDays} {leftDays} {overDays} {targetDays} {idleDays} {stage}
 * {title} {forecast} {burn} {spentHours} {budgetHours}.
 */
export const policyAction = z.union([
  z.object({ addLabel: z.string().min(1) }).strict(),
  z.object({ removeLabel: z.string().min(1) }).strict(),
  z.object({ comment: z.object({ marker: z.string().min(1), body: z.string().min(1) }).strict() }).strict(),
  z.object({ alert: z.enum(POLICY_ALERT_KINDS), summary: z.string().min(1).optional() }).strict(),
]);

export type PolicyAction = z.infer<typeof policyAction>;

const policyOverride = z
  .object({
    enabled: z.boolean().optional(),
    when: policyCondition.optional(),
    /** Done once each time `when` becomes true. */
    actions: z.array(policyAction).min(1).optional(),
    /** Done once when a policy that acted stops matching (e.g. remove `stale` once a person is active again). */
    resolve: z.array(policyAction).optional(),
  })
  .strict();

export type PolicyOverride = z.infer<typeof policyOverride>;

const isDefault = (name: string) => (DEFAULT_POLICY_NAMES as readonly string[]).includes(name);

export const policyOverrides = z
  .record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-kebab-case (it names the policy in the audit)'), policyOverride)
  .default({})
  .superRefine((policies, context) => {
    for (const [name, policy] of Object.entries(policies)) {
      if (isDefault(name)) continue;
      for (const key of ['when', 'actions'] as const)
        if (policy[key] === undefined)
          context.addIssue({
            code: 'custom',
            path: [name, key],
            message: `a policy of your own needs \`${key}\` (the shipped ones are ${DEFAULT_POLICY_NAMES.join(', ')})`,
          });
    }
  });
