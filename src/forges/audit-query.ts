import { z } from 'zod';

/** The filters `boardkeeper audit` and `GET /audit` accept, validated the same way. */
export const auditQuerySchema = z
  .object({
    forge: z.enum(['gitlab', 'github']).optional(),
    project: z.string().min(1).optional(),
    iid: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
  })
  .strict();

export type AuditQuery = z.infer<typeof auditQuerySchema>;
