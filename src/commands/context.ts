import type { Command } from 'commander';
import { ConfigError, loadConfig, type LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { resolvePolicies } from '../policies/resolve.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';

/** Exit with a message a person can act on, and a non-zero status. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`boardkeeper: ${message}\n`);
  process.exit(code);
}

/** The config named by the global --config option (or env / default), or exit explaining why not. */
export function configFrom(command: Command): LoadedConfig {
  const options = command.optsWithGlobals<{ config?: string }>();
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ path: options.config });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  try {
    // Policies name durations from another section: checked here, so serve never starts with a policy that cannot run.
    resolvePolicies(loaded.config);
  } catch (error) {
    fail(`invalid configuration: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
  return loaded;
}

/** Run `work` with the configured store open, closing it afterwards. */
export async function withStore<T>(command: Command, work: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const { config } = configFrom(command);
  const store = await openStore(config);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}
