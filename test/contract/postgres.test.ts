import { beforeAll } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { adminQuery, dropSchema, ensurePostgres, TEST_DATABASE_URL, uniqueSchemaName } from '../support/postgres.js';
import { storeContract } from './store.contract.js';

// One schema for this run, emptied before each test and dropped at the end.
const schema = uniqueSchemaName('contract');
const TABLES = ['inbox', 'issue_state', 'transitions', 'audit', 'cursors', 'leases', 'policy_memory'];
const open = () =>
  new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 4, statementTimeoutMs: 10_000 });

beforeAll(ensurePostgres);

storeContract(
  'postgres',
  async () => {
    const store = open();
    await store.migrate();
    await adminQuery(`TRUNCATE ${TABLES.map((table) => `${schema}.${table}`).join(', ')} RESTART IDENTITY`);
    return store;
  },
  () => dropSchema(schema),
  async () => open(),
);
