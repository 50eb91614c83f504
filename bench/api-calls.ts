/**
 * API calls per handled event, for a typical mix of board events, on both forges.
 * The forge APIs are nock'd (generic answers); the clients, request policy and executor are real.
 * Run: npx tsx bench/api-calls.ts
 */
import nock from 'nock';
import type { Action, IssueRef } from '../src/domain/types.js';
import { executeActions } from '../src/actions/executor.js';
import type { ForgeClient } from '../src/forges/forge.js';
import { forgeClients, GITHUB_API, GITHUB_REPO, GITLAB_PROJECT, GITLAB_URL } from '../test/support/forge-nock.js';

const MARKER = '<!-- boardkeeper:intake -->';

interface Scenario {
  event: string;
  /** Labels on the issue when the event is handled (event.labelsAfter). */
  labels: string[];
  /** What the rules plan for the event; the same on both forges except the board mirror. */
  actions: (forge: 'gitlab' | 'github') => Action[];
  /** How many times this event occurs in the mix (weights for the mean). */
  weight: number;
  /** Handled on the issue of an earlier scenario (so the client's remembered comment applies). */
  sameIssueAs?: string;
}

const board = (forge: string, stage: string): Action[] =>
  forge === 'github' ? [{ type: 'board-status', stage, reason: 'mirror' }] : [];

const SCENARIOS: Scenario[] = [
  {
    event: 'opened, valid template',
    labels: [],
    actions: (f) => [
      { type: 'labels', add: ['stage::intake', 'type::sow-request'], remove: [], reason: 'template' },
      ...board(f, 'intake'),
    ],
    weight: 2,
  },
  {
    event: 'opened, fields missing',
    labels: [],
    actions: (f) => [
      { type: 'labels', add: ['stage::intake', 'type::sow-request', 'needs-info'], remove: [], reason: 'template' },
      { type: 'comment', marker: MARKER, body: `${MARKER}\nmissing: customer_name`, reason: 'invalid' },
      ...board(f, 'intake'),
    ],
    weight: 1,
  },
  {
    event: 'edited, fields fixed',
    labels: ['stage::intake', 'type::sow-request', 'needs-info'],
    actions: () => [
      { type: 'labels', add: [], remove: ['needs-info'], reason: 'fixed' },
      { type: 'comment', marker: MARKER, body: `${MARKER}\nresolved`, reason: 'fixed' },
    ],
    weight: 1,
    sameIssueAs: 'opened, fields missing',
  },
  {
    // GitLab swaps scoped labels itself; on GitHub the bot removes the old stage label.
    event: 'stage label changed by a person',
    labels: ['stage::intake', 'stage::triage', 'type::sow-request'],
    actions: (f) =>
      f === 'github'
        ? [{ type: 'labels', add: [], remove: ['stage::intake'], reason: 'single stage' }, ...board(f, 'triage')]
        : [],
    weight: 6,
  },
  {
    event: 'board card moved (GitHub Status)',
    labels: ['stage::triage', 'type::sow-request'],
    actions: (f) =>
      f === 'github'
        ? [{ type: 'labels', add: ['stage::discovery'], remove: ['stage::triage'], reason: 'board moved' }]
        : [],
    weight: 3,
  },
  {
    event: 'closed without stage::closed',
    labels: ['stage::production-live', 'type::sow-request'],
    actions: (f) => [
      { type: 'labels', add: ['stage::closed'], remove: ['stage::production-live'], reason: 'closed' },
      ...board(f, 'closed'),
    ],
    weight: 1,
  },
  {
    event: 'bot echo / nothing to change',
    labels: ['stage::triage', 'type::sow-request'],
    actions: () => [{ type: 'labels', add: ['stage::triage'], remove: [], reason: 'fixpoint' }],
    weight: 6,
  },
];

function mockForges(): void {
  const issue = { iid: 1, number: 1, labels: [], title: 't', state: 'opened' };
  nock(GITLAB_URL)
    .persist()
    .put(/\/issues\/\d+$/)
    .reply(200, issue)
    .get(/\/notes\?/)
    .reply(200, [])
    .post(/\/notes$/)
    .reply(201, { id: 7, body: '' })
    .put(/\/notes\/\d+$/)
    .reply(200, { id: 7, body: '' });
  let option = 'opt_none';
  nock(GITHUB_API)
    .persist()
    .post(/\/labels$/)
    .reply(200, [])
    .delete(/\/labels\/.+$/)
    .reply(200, [])
    .get(/\/comments\?/)
    .reply(200, [])
    .post(/\/comments$/)
    .reply(201, { id: 7, body: '' })
    .patch(/\/comments\/\d+$/)
    .reply(200, { id: 7, body: '' })
    .post('/graphql')
    .reply(200, (_uri, body) => {
      const query = (body as { query: string; variables: Record<string, string> }).query;
      if (query.startsWith('mutation')) {
        const payload = (field: string) =>
          field === 'addComment'
            ? { commentEdge: { node: { id: 'IC' } } }
            : field === 'addProjectV2ItemById'
              ? { item: { id: 'I' } }
              : { clientMutationId: null };
        return {
          data: Object.fromEntries(
            [...query.matchAll(/(m\d+): (\w+)\(/g)].map(([, alias, field]) => [alias, payload(field!)]),
          ),
        };
      }
      if (query.includes('labels(first')) {
        const names = [
          ...new Set(
            SCENARIOS.flatMap((s) => [
              ...s.labels,
              ...s.actions('github').flatMap((a) => (a.type === 'labels' ? a.add : [])),
            ]),
          ),
        ];
        return {
          data: {
            repository: {
              labels: {
                nodes: names.map((name) => ({ id: `LA_${name}`, name })),
                pageInfo: { hasNextPage: false, endCursor: null },
              },
            },
          },
        };
      }
      if (query.includes('repositoryOwner')) {
        const options = ['intake', 'triage', 'discovery', 'production-live', 'closed'].map((name) => ({
          id: `opt_${name}`,
          name,
        }));
        return { data: { repositoryOwner: { projectV2: { id: 'P', field: { id: 'F', options } } } } };
      }
      if (query.includes('updateProjectV2ItemFieldValue')) {
        option = (body as { variables: Record<string, string> }).variables.option ?? option;
        return { data: { updateProjectV2ItemFieldValue: { projectV2Item: { id: 'I' } } } };
      }
      const items = {
        id: 'ISSUE',
        projectItems: { nodes: [{ id: 'I', project: { id: 'P' }, fieldValueByName: { optionId: option } }] },
      };
      return { data: { repository: { issue: items } } };
    });
}

async function callsFor(
  client: ForgeClient,
  ref: IssueRef,
  scenario: Scenario,
): Promise<{ calls: number; labelChanges: number; labelCalls: number }> {
  const entries = await executeActions(
    { client, ref, deliveryId: null, now: () => new Date(), knownLabels: scenario.labels },
    scenario.actions(client.forge),
  );
  const labelEntries = entries.filter((e) => e.action === 'labels' && e.result === 'applied');
  return {
    calls: entries.reduce((sum, e) => sum + e.apiCalls, 0),
    labelChanges: labelEntries.length,
    labelCalls: labelEntries.reduce((sum, e) => sum + e.apiCalls, 0),
  };
}

async function main(): Promise<void> {
  nock.disableNetConnect();
  mockForges();
  const { gitlab, github } = forgeClients();
  const rows: Array<[string, number, number, number]> = [];
  const totals = {
    gitlab: { calls: 0, events: 0, labelChanges: 0, labelCalls: 0 },
    github: { calls: 0, events: 0, labelChanges: 0, labelCalls: 0 },
  };
  let iid = 0;
  const lastIssueOf = new Map<string, number>();
  for (const scenario of SCENARIOS) {
    const perForge: Record<'gitlab' | 'github', number> = { gitlab: 0, github: 0 };
    for (let n = 0; n < scenario.weight; n += 1) {
      const pinned = scenario.sameIssueAs ? lastIssueOf.get(scenario.sameIssueAs) : undefined;
      iid = pinned ?? iid + 1;
      lastIssueOf.set(scenario.event, iid);
      for (const [forge, client, project] of [
        ['gitlab', gitlab!, GITLAB_PROJECT],
        ['github', github!, GITHUB_REPO],
      ] as const) {
        // GitHub webhooks carry the issue's node id, which the GraphQL mutations address.
        const ref: IssueRef =
          forge === 'github' ? { forge, project, iid, nodeId: `I_${iid}` } : { forge, project, iid };
        const result = await callsFor(client, ref, scenario);
        perForge[forge] += result.calls / scenario.weight;
        const total = totals[forge];
        total.calls += result.calls;
        total.events += 1;
        total.labelChanges += result.labelChanges;
        total.labelCalls += result.labelCalls;
      }
    }
    rows.push([scenario.event, scenario.weight, perForge.gitlab, perForge.github]);
  }
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log(`${pad('event', 36)}${pad('share', 7)}${pad('GitLab calls', 14)}GitHub calls (mean per event)`);
  for (const [event, weight, gl, gh] of rows)
    console.log(`${pad(event, 36)}${pad(weight, 7)}${pad(gl.toFixed(2), 14)}${gh.toFixed(2)}`);
  for (const forge of ['gitlab', 'github'] as const) {
    const t = totals[forge];
    console.log(
      `${forge}: ${(t.calls / t.events).toFixed(2)} calls per event over ${t.events} events; ${(t.labelCalls / Math.max(1, t.labelChanges)).toFixed(2)} calls per label change`,
    );
  }
  nock.cleanAll();
}

await main();
