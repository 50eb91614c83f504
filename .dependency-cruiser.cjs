/**
 * The boundaries `npm run lint:deps` checks (part of `npm test`); the layering they keep is in
 * docs/architecture.md, "Layers". Type-only imports count: a type that points the wrong way is a
 * design that points the wrong way.
 *
 * From the bottom up, each layer imports only those below it:
 *   domain/                                   nothing but itself
 *   config/, logger.ts, threads.ts, safe-equal.ts
 *   store/, observability/, templates/
 *   forges/ (the forge contract and adapters), rules/ (pure), metrics/ (pure core + its thread)
 *   policies/, alerts/, dashboard/, actions/ (one issue's actions on its forge)
 *   jobs/ (leased periodic jobs), sweep/, engine/, rooms (catchup/, reports/, status/, …)
 *   http/, commands/, demo/, service.ts, cli.ts   the wiring
 */
const folder = (...names) => `^src/(${names.join('|')})/`;

/** Folders the named layer must not import. */
const wrongWay = (name, from, to, comment) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders import each other in one direction only; a cycle means one of them holds a notion the other needs.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-imports-only-domain',
      comment: 'domain/ is the vocabulary every layer shares; it depends on nothing else.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    wrongWay(
      'metrics-below-its-readers',
      '^src/metrics/',
      folder('dashboard', 'http', 'engine', 'sweep', 'rules', 'policies', 'forges', 'alerts', 'commands', 'demo', 'actions', 'jobs'),
      'metrics is pure over transitions and states; the dashboard, HTTP and the sweep read it, never the reverse.',
    ),
    wrongWay(
      'forges-below-http-and-engine',
      '^src/forges/',
      folder('http', 'engine', 'sweep', 'rules', 'metrics', 'policies', 'dashboard', 'alerts', 'commands', 'demo', 'actions', 'jobs'),
      'forges/ adapts a forge to the forge contract; intake (http/) and the engine use it.',
    ),
    wrongWay(
      'rules-are-pure',
      '^src/rules/',
      folder('metrics', 'store', 'forges', 'engine', 'sweep', 'http', 'dashboard', 'alerts', 'observability', 'commands', 'demo', 'actions', 'jobs'),
      'rules.decide returns data: no store, no forge, no metrics; shared notions live in domain/.',
    ),
    wrongWay(
      'store-below-forges-and-engine',
      '^src/store/',
      folder('forges', 'engine', 'sweep', 'rules', 'metrics', 'policies', 'alerts', 'dashboard', 'http', 'observability', 'commands', 'demo', 'actions', 'jobs'),
      'The store keeps what the engine decided; it knows no forge and no engine.',
    ),
    wrongWay(
      'observability-is-data',
      '^src/observability/',
      folder('engine', 'sweep', 'http', 'metrics', 'rules', 'policies', 'alerts', 'dashboard', 'commands', 'demo', 'actions', 'jobs'),
      'Service metrics are plain events any thread records; they import no producer.',
    ),
    wrongWay(
      'dashboard-renders-only',
      '^src/dashboard/',
      folder('http', 'engine', 'sweep', 'store', 'rules', 'commands', 'demo', 'actions', 'jobs'),
      'The dashboard renders the metrics report; http/dashboard.ts serves it.',
    ),
    wrongWay(
      'config-is-data',
      '^src/config/',
      folder('store', 'forges', 'engine', 'sweep', 'rules', 'metrics', 'policies', 'alerts', 'dashboard', 'http', 'observability', 'commands', 'demo', 'actions', 'jobs'),
      'Configuration is parsed data every layer reads.',
    ),
    {
      name: 'only-wiring-imports-http-and-commands',
      comment: 'http/, commands/ and demo/ are wiring: only the service, the CLI and other wiring start them.',
      severity: 'error',
      from: { pathNot: ['^src/(http|commands|demo)/', '^src/(service|cli)\\.ts$'] },
      to: { path: folder('http', 'commands', 'demo') },
    },
    ...['catchup', 'reports', 'status'].map((room) => ({
      name: `only-wiring-imports-${room}`,
      comment: 'A room is started by the wiring (commands/, http/, the engine thread entry, service.ts), never by another layer.',
      severity: 'error',
      from: { path: '^src/', pathNot: [`^src/${room}/`, '^src/(commands|http|demo)/', '^src/engine/thread-entry\\.ts$', '^src/service\\.ts$'] },
      to: { path: `^src/${room}/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
