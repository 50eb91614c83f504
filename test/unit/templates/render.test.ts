import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { staleTemplates, writeTemplates } from '../../../src/commands/render-templates.js';
import { TEMPLATES } from '../../../src/templates/index.js';

const COMMITTED = new URL('../../../issue-templates/', import.meta.url).pathname;
const scratch: string[] = [];

afterEach(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'templates-'));
  scratch.push(dir);
  return dir;
}

describe('rendered templates', () => {
  it('the committed issue-templates/ match the definitions (run `boardkeeper render-templates` if not)', async () => {
    expect(await staleTemplates(COMMITTED)).toEqual([]);
  });

  it('detects an edited and a missing file', async () => {
    const dir = await tempDir();
    await writeTemplates(dir);
    expect(await staleTemplates(dir)).toEqual([]);
    await writeFile(join(dir, 'github/sow-request.yml'), 'name: edited by hand\n');
    await rm(join(dir, 'gitlab/strategic-initiative.md'));
    expect(await staleTemplates(dir)).toEqual(['github/sow-request.yml', 'gitlab/strategic-initiative.md']);
  });

  it.each(Object.values(TEMPLATES))(
    'the $name GitHub form has every field, its labels and string options',
    async (template) => {
      const form = parse(await readFile(join(COMMITTED, `github/${template.id}.yml`), 'utf8'), { version: '1.1' }) as {
        labels: string[];
        body: { id?: string; attributes: { options?: unknown[] } }[];
      };
      expect(form.labels).toEqual(template.labels);
      expect(form.body.flatMap((e) => (e.id ? [e.id] : []))).toEqual(template.fields.map((f) => f.id));
      for (const element of form.body)
        for (const option of element.attributes.options ?? []) expect(typeof option).toBe('string');
    },
  );

  it.each(Object.values(TEMPLATES))(
    'the $name GitLab template carries the marker and the /label quick action',
    async (template) => {
      const text = await readFile(join(COMMITTED, `gitlab/${template.id}.md`), 'utf8');
      expect(text.startsWith(`<!-- template: ${template.id} -->\n`)).toBe(true);
      expect(text).toContain(`/label ${template.labels.map((l) => `~"${l}"`).join(' ')}`);
      for (const field of template.fields) expect(text).toContain(`\n### ${field.label}\n`);
    },
  );
});
