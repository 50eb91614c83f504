import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchemaIsCurrent } from '../../../src/commands/config-schema.js';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../../../src/config/json-schema.js';
import { ROOT } from '../../support/process.js';

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(configJsonSchema()));
}

describe('the JSON Schema of boardkeeper.yml', () => {
  it('is committed as generated from the config schema (regenerate: npm run cli -- config-schema)', async () => {
    expect(await configSchemaIsCurrent(join(ROOT, CONFIG_SCHEMA_FILE))).toBe(true);
  });

  it('is named on the first line of the sample config, for the YAML language server', () => {
    const firstLine = readFileSync(join(ROOT, 'boardkeeper.yml'), 'utf8').split('\n')[0];
    expect(firstLine).toBe(`# yaml-language-server: $schema=./${CONFIG_SCHEMA_FILE}`);
  });

  it('accepts the sample config and an empty one', () => {
    const validate = validator();
    expect(validate(parse(readFileSync(join(ROOT, 'boardkeeper.yml'), 'utf8'))), JSON.stringify(validate.errors)).toBe(
      true,
    );
    expect(validate({})).toBe(true);
  });

  it.each([
    ['a misspelt key', { server: { prot: 3000 } }],
    ['a value of the wrong type', { worker: { concurrency: 'many' } }],
    ['a value out of range', { server: { port: 70000 } }],
    ['an unknown preset', { preset: 'other' }],
    ['a short status secret', { status: { secret: 'short' } }],
  ])('rejects %s, as check-config does', (_name, config) => {
    expect(validator()(config)).toBe(false);
  });
});
