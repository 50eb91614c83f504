import { z } from 'zod';
import { EMPTY_MEMORY, type PolicyMemory } from './types.js';

const memorySchema = z.object({ fired: z.record(z.string(), z.string()).catch({}) });

/** A stored memory, or an empty one for anything unreadable (a policy then acts again at worst once). */
export function parsePolicyMemory(value: unknown): PolicyMemory {
  const parsed = memorySchema.safeParse(value);
  return parsed.success ? parsed.data : EMPTY_MEMORY;
}
