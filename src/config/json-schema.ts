import { z } from 'zod';
import { configSchema } from './schema.js';

/** Where the JSON Schema of `boardkeeper.yml` is shipped, relative to the repository root. */
export const CONFIG_SCHEMA_FILE = 'boardkeeper.schema.json';

/**
 * The JSON Schema (draft 2020-12) of what may be written in `boardkeeper.yml`, generated from the
 * zod schema that validates it, so editors complete and check exactly what `check-config` accepts.
 * `io: 'input'` describes the file as written (defaults make keys optional); checks zod cannot
 * express in JSON Schema (refinements such as "unique receiver names") stay with `check-config`.
 */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  const described = {
    $schema: schema.$schema,
    title: 'boardkeeper.yml',
    description:
      'boardkeeper configuration. Every key is optional; secrets belong in the environment (README, Configuration).',
    ...schema,
  };
  return `${JSON.stringify(described, null, 2)}\n`;
}
