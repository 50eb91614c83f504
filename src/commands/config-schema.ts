import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../config/json-schema.js';

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Whether the file at `path` holds exactly the schema the config's zod schema generates. */
export async function configSchemaIsCurrent(path: string): Promise<boolean> {
  return (await readOrNull(path)) === configJsonSchema();
}

export function registerConfigSchema(program: Command): void {
  program
    .command('config-schema')
    .description(`Write the JSON Schema of boardkeeper.yml (generated from the config's zod schema) for editors`)
    .option('--out <file>', 'output file', CONFIG_SCHEMA_FILE)
    .option('--check', 'exit 1 when --out is stale, without writing')
    .action(async (options: { out: string; check?: boolean }) => {
      if (options.check) {
        const current = await configSchemaIsCurrent(options.out);
        if (current) console.log(`${options.out} is up to date`);
        else
          console.error(
            `stale: ${options.out}\nRun \`boardkeeper config-schema\` (npm run cli -- config-schema) and commit the result.`,
          );
        process.exitCode = current ? 0 : 1;
        return;
      }
      await writeFile(options.out, configJsonSchema(), 'utf8');
      console.log(`wrote ${options.out}`);
    });
}
