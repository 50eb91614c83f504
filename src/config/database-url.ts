/** Where the data lives, as `DATABASE_URL` / `store.databaseUrl` says. */
export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };

const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];
const SQLITE_SCHEMES = ['file:', 'sqlite:'];

/**
 * `postgres://…` and `postgresql://…` are PostgreSQL. `file:` and `sqlite:` URLs are SQLite files, as
 * many tools write them: `file:./data/x.db` and `sqlite:x.db` are relative to the working
 * directory, `file:///var/lib/x.db` (or `sqlite:///…`) absolute. Anything else is an error message.
 */
export function parseDatabaseUrl(value: string): DatabaseTarget | { error: string } {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0].toLowerCase();
  if (scheme && POSTGRES_SCHEMES.includes(scheme)) return { kind: 'postgres', url: value };
  if (!scheme || !SQLITE_SCHEMES.includes(scheme)) {
    return {
      error: `DATABASE_URL (store.databaseUrl) has ${scheme ? `the unsupported scheme '${scheme}'` : 'no scheme'}: use postgres://…, postgresql://…, file:<path> or sqlite:<path>`,
    };
  }
  const rest = value.slice(scheme.length).replace(/[?#].*$/, '');
  if (rest.startsWith('//') && !rest.startsWith('///')) {
    return {
      error: `DATABASE_URL (store.databaseUrl): a ${scheme} URL names a file, not a host: write ${scheme}///absolute/path or ${scheme}relative/path`,
    };
  }
  const path = decodeURIComponent(rest.startsWith('///') ? rest.slice(2) : rest);
  if (!path)
    return {
      error: `DATABASE_URL (store.databaseUrl): ${scheme} needs a file path, e.g. ${scheme}./data/boardkeeper.db`,
    };
  return { kind: 'sqlite', path };
}
