/**
 * Versioned PostgreSQL schema: the same story as SQLITE_MIGRATIONS. Entry i upgrades to version
 * i + 1; the `schema_migrations` table records how far a database is. Never edit an applied entry:
 * append a new one.
 *
 * Times the store compares (available_at, lease_until) are epoch milliseconds taken from the
 * database clock, so replicas with skewed clocks still agree on who holds a lease.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE inbox (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    forge TEXT NOT NULL,
    event TEXT NOT NULL,
    ordering_key TEXT NOT NULL,
    headers JSONB NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    available_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT
  );
  -- Claims skip-scan this index for each key's oldest unfinished row.
  CREATE INDEX inbox_unfinished ON inbox (ordering_key, seq) WHERE status IN ('queued', 'processing');
  CREATE INDEX inbox_status ON inbox (status, seq);

  CREATE TABLE issue_state (
    key TEXT PRIMARY KEY,
    forge TEXT NOT NULL,
    project TEXT NOT NULL,
    iid INTEGER NOT NULL,
    node_id TEXT,
    state JSONB NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX issue_state_node ON issue_state (forge, node_id) WHERE node_id IS NOT NULL;
  CREATE INDEX issue_state_project ON issue_state (forge, project);

  CREATE TABLE transitions (
    forge TEXT NOT NULL,
    project TEXT NOT NULL,
    iid INTEGER NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    to_stage TEXT NOT NULL,
    from_stage TEXT,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT,
    segment TEXT,
    PRIMARY KEY (forge, project, iid, at, to_stage)
  );
  CREATE INDEX transitions_at ON transitions (at);

  CREATE TABLE audit (
    seq BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    delivery_id TEXT,
    forge TEXT NOT NULL,
    project TEXT NOT NULL,
    iid INTEGER NOT NULL,
    action TEXT NOT NULL,
    detail JSONB NOT NULL,
    result TEXT NOT NULL,
    api_calls INTEGER NOT NULL,
    latency_ms INTEGER NOT NULL
  );
  CREATE INDEX audit_issue ON audit (forge, project, iid);

  CREATE TABLE cursors (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // Audit retention deletes by age (audit.retainDays), hourly.
  `
  CREATE INDEX audit_at ON audit (at);
  `,
  // Time-driven policies: one sweeper at a time (a lease, on the database clock), and what each
  // issue's policies did.
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms BIGINT NOT NULL
  );
  CREATE TABLE policy_memory (
    key TEXT PRIMARY KEY,
    memory JSONB NOT NULL
  );
  `,
  // Insertion sequences, so the metrics snapshot reads only what changed since its last build. One
  // sequence for both tables; writers take it under CHANGE_LOCK (postgres-sql.ts), so a sequence
  // number is never handed out below one a reader may already have seen committed.
  `
  CREATE SEQUENCE change_seq;
  ALTER TABLE transitions ADD COLUMN seq BIGINT;
  UPDATE transitions SET seq = nextval('change_seq');
  ALTER TABLE transitions ALTER COLUMN seq SET DEFAULT nextval('change_seq'), ALTER COLUMN seq SET NOT NULL;
  CREATE UNIQUE INDEX transitions_seq ON transitions (seq);
  ALTER TABLE issue_state ADD COLUMN seq BIGINT;
  UPDATE issue_state SET seq = nextval('change_seq');
  ALTER TABLE issue_state ALTER COLUMN seq SET DEFAULT nextval('change_seq'), ALTER COLUMN seq SET NOT NULL;
  CREATE UNIQUE INDEX issue_state_seq ON issue_state (seq);
  `,
];
