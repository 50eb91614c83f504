import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite.js';
import { storeContract } from './store.contract.js';

// A fresh database file per store; a peer is a second connection to the latest file.
const dir = mkdtempSync(join(tmpdir(), 'bk-contract-'));
let files = 0;
const latest = () => join(dir, `store-${files}.db`);

storeContract(
  'sqlite',
  async () => {
    files += 1;
    const store = new SqliteStore({ path: latest() });
    await store.migrate();
    return store;
  },
  async () => rmSync(dir, { recursive: true, force: true }),
  async () => new SqliteStore({ path: latest() }),
);
