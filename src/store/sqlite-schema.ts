/**
 * Versioned SQLite schema. Each entry upgrades from the previous version; `PRAGMA user_version`
 * records how far a database is. Never edit an applied entry: append a new one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    forge TEXT NOT NULL,
    event TEXT NOT NULL,
    ordering_key TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    available_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER
  );
  CREATE INDEX inbox_unfinished ON inbox (ordering_key, seq) WHERE status IN ('queued', 'processing');
  CREATE INDEX inbox_status ON inbox (status, seq);

  CREATE TABLE issue_state (
    key TEXT PRIMARY KEY,
    forge TEXT NOT NULL,
    project TEXT NOT NULL,
    iid INTEGER NOT NULL,
    node_id TEXT,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX issue_state_node ON issue_state (node_id) WHERE node_id IS NOT NULL;
  CREATE INDEX issue_state_project ON issue_state (forge, project);

  CREATE TABLE transitions (
    forge TEXT NOT NULL,
    project TEXT NOT NULL,
    iid INTEGER NOT NULL,
    at TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    from_stage TEXT,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT,
    segment TEXT,
    PRIMARY KEY (forge, project, iid, at, to_stage)
  ) WITHOUT ROWID;
  CREATE INDEX transitions_at ON transitions (at);

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    delivery_id TEXT,
    forge TEXT NOT NULL,
    project TEXT NOT NULL,
    iid INTEGER NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
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
  // The claim reads each ordering key's head and its state from this index alone: those columns
  // sit after the body in the table, and reading them there walks the body's overflow pages.
  `
  CREATE INDEX inbox_heads ON inbox (ordering_key, seq, status, available_at, lease_until)
    WHERE status IN ('queued', 'processing');
  DROP INDEX inbox_unfinished;
  `,
  // Bodies live apart from the status columns: SQLite rewrites a whole row, overflow pages
  // included, on every update, so each claim and completion used to copy the body into the WAL.
  `
  CREATE TABLE inbox_body (
    seq INTEGER PRIMARY KEY,
    body TEXT NOT NULL
  );
  INSERT INTO inbox_body (seq, body) SELECT seq, body FROM inbox;
  ALTER TABLE inbox DROP COLUMN body;
  `,
  // Audit retention deletes by age (audit.retainDays), hourly.
  `
  CREATE INDEX audit_at ON audit (at);
  `,
  // Time-driven policies: one sweeper at a time (a lease), and what each issue's policies did.
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms INTEGER NOT NULL
  );
  CREATE TABLE policy_memory (
    key TEXT PRIMARY KEY,
    memory TEXT NOT NULL
  );
  `,
  // Insertion sequences, so the metrics snapshot reads only what changed since its last build.
  // A transition's seq is set once; an issue state's on every write. Existing rows are numbered in
  // event-time order (any order would do: a first read takes them all).
  `
  ALTER TABLE transitions ADD COLUMN seq INTEGER;
  UPDATE transitions SET seq = numbered.n
    FROM (SELECT forge AS f, project AS p, iid AS i, at AS a, to_stage AS s,
            row_number() OVER (ORDER BY at, forge, project, iid, to_stage) AS n FROM transitions) AS numbered
    WHERE forge = numbered.f AND project = numbered.p AND iid = numbered.i AND at = numbered.a AND to_stage = numbered.s;
  CREATE UNIQUE INDEX transitions_seq ON transitions (seq);
  ALTER TABLE issue_state ADD COLUMN seq INTEGER;
  UPDATE issue_state SET seq = rowid;
  CREATE UNIQUE INDEX issue_state_seq ON issue_state (seq);
  `,
];
