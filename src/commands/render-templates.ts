import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { renderAllTemplates } from '../templates/render.js';

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Paths (relative to `dir`) whose committed content differs from what the definitions render. */
export async function staleTemplates(dir: string): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, content] of renderAllTemplates())
    if ((await readOrNull(join(dir, path))) !== content) stale.push(path);
  return stale;
}

export async function writeTemplates(dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [path, content] of renderAllTemplates()) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, 'utf8');
    written.push(target);
  }
  return written;
}

export function registerRenderTemplates(program: Command): void {
  program
    .command('render-templates')
    .description('Write the GitHub issue forms and GitLab description templates from the field definitions')
    .option('--out <dir>', 'output directory', 'issue-templates')
    .option('--check', 'exit 1 when the files in --out are stale, without writing')
    .action(async (options: { out: string; check?: boolean }) => {
      if (options.check) {
        const stale = await staleTemplates(options.out);
        for (const path of stale) console.error(`stale: ${join(options.out, path)}`);
        if (stale.length > 0) console.error('Run `boardkeeper render-templates` and commit the result.');
        else console.log(`templates in ${options.out} are up to date`);
        process.exitCode = stale.length > 0 ? 1 : 0;
        return;
      }
      for (const path of await writeTemplates(options.out)) console.log(`wrote ${path}`);
    });
}
